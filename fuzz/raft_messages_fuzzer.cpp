// Raft message batches as they arrive on the peer port (cluster/raft_codec.h):
// any bytes decode to messages or to an error, never a crash, and what
// decodes encodes back to bytes that decode to the same encoding (so the
// decoder accepts nothing the encoder could not have produced).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "cluster/raft_codec.h"
#include "fuzz/seeds.h"

namespace {

using namespace dispotify;
using raft::Entry;
using raft::EntryType;
using raft::LogIndex;
using raft::NodeId;
using raft::Term;

raft::Message message(raft::Payload payload) {
  return raft::Message{.from = NodeId(1), .to = NodeId(2), .term = Term(3), .payload = std::move(payload)};
}

// One batch per payload type, and one with them all.
void write_seeds(const std::string& dir) {
  std::vector<raft::Message> all;
  all.push_back(message(raft::RequestVote{LogIndex(101), Term(102), true, false}));
  all.push_back(message(raft::RequestVoteResponse{.granted = true, .pre_vote = false}));
  raft::AppendEntries append{.prev_log_index = LogIndex(200), .prev_log_term = Term(7)};
  append.entries = {Entry{Term(7), LogIndex(201), EntryType::normal, "{\"v\":1}"},
                    Entry{Term(8), LogIndex(202), EntryType::config, "conf"},
                    Entry{Term(9), LogIndex(203), EntryType::noop, ""}};
  append.leader_commit = LogIndex(199);
  all.push_back(message(append));
  all.push_back(message(raft::AppendEntriesResponse{.success = false,
                                                    .match_index = LogIndex(301),
                                                    .rejected_index = LogIndex(302),
                                                    .conflict_term = Term(303),
                                                    .conflict_index = LogIndex(304),
                                                    .read_context = 305}));
  raft::InstallSnapshot snapshot;
  snapshot.meta =
      raft::SnapshotMeta{LogIndex(401), Term(402), raft::ConfState{{NodeId(1), NodeId(5)}, {NodeId(9)}}};
  snapshot.data = std::string(64, 'x');
  snapshot.done = true;
  all.push_back(message(snapshot));
  all.push_back(message(raft::InstallSnapshotResponse{LogIndex(501), 502, true, false}));
  all.push_back(message(raft::TimeoutNow{}));
  all.push_back(message(raft::ReadIndexRequest{.context = 601}));
  all.push_back(message(raft::ReadIndexResponse{.context = 701, .index = LogIndex(702), .ok = true}));
  for (size_t i = 0; i < all.size(); ++i) {
    fuzz::write_seed(dir, "payload-" + std::to_string(i), cluster::encode_batch(std::span(&all[i], 1)));
  }
  fuzz::write_seed(dir, "all-payloads", cluster::encode_batch(all));
  fuzz::write_seed(dir, "empty-batch", cluster::encode_batch({}));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dispotify::fuzz::maybe_write_seeds(write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto messages = cluster::decode_batch(bytes);
  if (!messages.ok()) return 0;
  const std::string encoded = cluster::encode_batch(*messages);
  auto again = cluster::decode_batch(encoded);
  DISPOTIFY_CHECK_MSG(again.ok(), again.error().message);
  DISPOTIFY_CHECK(cluster::encode_batch(*again) == encoded);
  return 0;
}
