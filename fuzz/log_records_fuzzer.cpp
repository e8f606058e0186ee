// Records of the Raft log and snapshot meta files as read back from disk
// (log/frame.h, log/log_records.h, log/snapshot_files.h): a rotten or
// hostile file gives a value or Errc::corrupt, never a crash. The input is
// walked frame by frame like a segment, each payload decoded by its type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/seeds.h"
#include "log/frame.h"
#include "log/log_records.h"
#include "log/snapshot_files.h"

namespace {

using namespace dispotify;

// A segment of two batch records, a meta file, a snapshot meta file, and
// the bare payloads.
void write_seeds(const std::string& dir) {
  const raft::HardState hard_state{raft::Term(3), raft::NodeId(7), raft::LogIndex(5)};
  const std::vector<raft::Entry> entries = {
      raft::Entry{raft::Term(3), raft::LogIndex(4), raft::EntryType::normal, "{\"v\":1}"},
      raft::Entry{raft::Term(3), raft::LogIndex(5), raft::EntryType::noop, ""}};
  std::string batch;
  raftlog::encode_batch(batch, hard_state, entries);
  std::string no_state;
  raftlog::encode_batch(no_state, std::nullopt, std::span(entries).subspan(1));
  std::string segment;
  raftlog::append_frame(segment, raftlog::FrameType::log_batch, batch);
  raftlog::append_frame(segment, raftlog::FrameType::log_batch, no_state);
  fuzz::write_seed(dir, "segment", segment);
  fuzz::write_seed(dir, "torn-segment", segment.substr(0, segment.size() - 3));
  fuzz::write_seed(dir, "batch-payload", batch);
  const raftlog::MetaRecord meta{raft::LogIndex(3), raft::Term(2), hard_state, 4};
  std::string meta_file;
  raftlog::append_frame(meta_file, raftlog::FrameType::log_meta, raftlog::encode_meta(meta));
  fuzz::write_seed(dir, "meta", meta_file);
  const raftlog::SnapshotMetaRecord snapshot{
      raft::SnapshotMeta{raft::LogIndex(9), raft::Term(2),
                         raft::ConfState{{raft::NodeId(1), raft::NodeId(2)}, {}}},
      4096, 0xdeadbeef};
  fuzz::write_seed(dir, "snapshot-meta", raftlog::encode_snapshot_meta_file(snapshot));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dispotify::fuzz::maybe_write_seeds(write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dispotify::raftlog;  // NOLINT(google-build-using-namespace)
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The checksum makes random frames rare, so payloads are also decoded
  // without a frame around them: a checksum is no defence against a bug.
  (void)decode_batch(bytes);
  (void)decode_meta(bytes);
  (void)decode_snapshot_meta_file(bytes);
  size_t offset = 0;
  while (offset < bytes.size()) {
    const FrameDecode frame = decode_frame(bytes, offset);
    if (frame.status != FrameStatus::ok) {
      (void)intact_frame_after(bytes, offset);
      break;
    }
    if (frame.type == static_cast<uint8_t>(FrameType::log_batch)) (void)decode_batch(frame.payload);
    if (frame.type == static_cast<uint8_t>(FrameType::log_meta)) (void)decode_meta(frame.payload);
    offset = frame.end_offset;
  }
  return 0;
}
