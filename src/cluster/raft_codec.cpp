// Layout and limits: docs/formats/raft_messages.md. The encoder and the size
// function share one description of the layout (put_* over a Sink), so the
// two cannot drift apart; the decoder mirrors it field by field.
#include "cluster/raft_codec.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

namespace dispotify::cluster {
namespace {

using raft::Entry;
using raft::LogIndex;
using raft::Message;
using raft::NodeId;
using raft::Term;

constexpr std::string_view kMagic = "DRFT";
constexpr uint32_t kStringBytesMax = std::numeric_limits<uint32_t>::max();
// Per message: its length (4) + tag (1) + from, to, term (3 * 8).
constexpr size_t kMessageFrameBytes = 4;
constexpr size_t kMessageBytesMin = kMessageFrameBytes + 1 + 3 * 8;
// Per entry: term, index (2 * 8) + type (1) + data length (4).
constexpr size_t kEntryBytesMin = 2 * 8 + 1 + 4;

static_assert(std::variant_size_v<raft::Payload> == 9,
              "a new Raft payload needs a tag, an encoder and a decoder here, and a line in "
              "docs/formats/raft_messages.md");

// ---- encoding -------------------------------------------------------------

// Counts bytes instead of writing them (encoded_message_bytes).
struct ByteCounter {
  size_t bytes = 0;
  void u8(uint8_t) { bytes += 1; }
  void u32(uint32_t) { bytes += 4; }
  void u64(uint64_t) { bytes += 8; }
  void boolean(bool) { bytes += 1; }
  void string(std::string_view s) { bytes += 4 + s.size(); }
};

// Appends little-endian fixed-width integers and length-prefixed strings.
struct ByteWriter {
  std::string* out;
  void u8(uint8_t v) { out->push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { put_le(v, 2); }
  void u32(uint32_t v) { put_le(v, 4); }
  void u64(uint64_t v) { put_le(v, 8); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void string(std::string_view s) {
    DISPOTIFY_CHECK_MSG(s.size() <= kStringBytesMax,
                        "string too long to encode: " + std::to_string(s.size()));
    u32(static_cast<uint32_t>(s.size()));
    out->append(s);
  }
  void put_le(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
};

template <class Sink>
void put_count(Sink& sink, size_t count, size_t count_max) {
  DISPOTIFY_CHECK_MSG(count <= count_max, "count over the codec limit: " + std::to_string(count));
  sink.u32(static_cast<uint32_t>(count));
}

template <class Sink>
void put_nodes(Sink& sink, const std::vector<NodeId>& nodes) {
  put_count(sink, nodes.size(), kRaftConfNodesMax);
  for (const NodeId id : nodes) sink.u64(id.value());
}

template <class Sink>
void put_payload(Sink& sink, const raft::RequestVote& p) {
  sink.u64(p.last_log_index.value());
  sink.u64(p.last_log_term.value());
  sink.boolean(p.pre_vote);
  sink.boolean(p.transfer);
}

template <class Sink>
void put_payload(Sink& sink, const raft::RequestVoteResponse& p) {
  sink.boolean(p.granted);
  sink.boolean(p.pre_vote);
}

template <class Sink>
void put_payload(Sink& sink, const raft::AppendEntries& p) {
  sink.u64(p.prev_log_index.value());
  sink.u64(p.prev_log_term.value());
  put_count(sink, p.entries.size(), kRaftEntriesPerMessageMax);
  for (const Entry& entry : p.entries) {
    sink.u64(entry.term.value());
    sink.u64(entry.index.value());
    sink.u8(static_cast<uint8_t>(entry.type));
    sink.string(entry.data);
  }
  sink.u64(p.leader_commit.value());
  sink.u64(p.read_context);
}

template <class Sink>
void put_payload(Sink& sink, const raft::AppendEntriesResponse& p) {
  sink.boolean(p.success);
  sink.u64(p.match_index.value());
  sink.u64(p.rejected_index.value());
  sink.u64(p.conflict_term.value());
  sink.u64(p.conflict_index.value());
  sink.u64(p.read_context);
}

template <class Sink>
void put_payload(Sink& sink, const raft::InstallSnapshot& p) {
  sink.u64(p.meta.index.value());
  sink.u64(p.meta.term.value());
  put_nodes(sink, p.meta.conf.voters);
  put_nodes(sink, p.meta.conf.learners);
  sink.u64(p.offset);
  sink.string(p.data);
  sink.boolean(p.done);
}

template <class Sink>
void put_payload(Sink& sink, const raft::InstallSnapshotResponse& p) {
  sink.u64(p.snapshot_index.value());
  sink.u64(p.next_offset);
  sink.boolean(p.installed);
  sink.boolean(p.rejected);
}

template <class Sink>
void put_payload(Sink&, const raft::TimeoutNow&) {}

template <class Sink>
void put_payload(Sink& sink, const raft::ReadIndexRequest& p) {
  sink.u64(p.context);
}

template <class Sink>
void put_payload(Sink& sink, const raft::ReadIndexResponse& p) {
  sink.u64(p.context);
  sink.u64(p.index.value());
  sink.boolean(p.ok);
}

// Everything after the frame's length field.
template <class Sink>
void put_message_body(Sink& sink, const Message& m) {
  // Tag 0 is never valid, so a zeroed buffer cannot decode as a message.
  sink.u8(static_cast<uint8_t>(m.payload.index() + 1));
  sink.u64(m.from.value());
  sink.u64(m.to.value());
  sink.u64(m.term.value());
  std::visit([&](const auto& payload) { put_payload(sink, payload); }, m.payload);
}

size_t message_body_bytes(const Message& m) {
  ByteCounter counter;
  put_message_body(counter, m);
  return counter.bytes;
}

// ---- decoding -------------------------------------------------------------

// A bounds-checked cursor over untrusted bytes. The first failure sticks:
// later reads return zeros without moving, so decoding code can read a
// whole record and check ok() once. Errors name where they happened.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes), end_(bytes.size()) {}

  bool ok() const { return !error_; }
  size_t offset() const { return pos_; }
  size_t remaining() const { return end_ - pos_; }
  // Restricts reads to [offset(), end) until the limit is lifted again.
  void set_end(size_t end) {
    DISPOTIFY_CHECK(end >= pos_ && end <= bytes_.size());
    end_ = end;
  }
  void skip_to(size_t offset) {
    DISPOTIFY_CHECK(offset >= pos_ && offset <= end_);
    pos_ = offset;
  }

  // Where the next error is: message index and payload name, and within it
  // an item (entry, voter) with its index.
  void set_message(size_t index, const char* payload) {
    message_index_ = index;
    payload_ = payload;
  }
  void set_item(const char* item, size_t index) {
    item_ = item;
    item_index_ = index;
  }
  void clear_item() { item_ = nullptr; }

  uint8_t u8(const char* field) { return static_cast<uint8_t>(get_le(field, 1)); }
  uint16_t u16(const char* field) { return static_cast<uint16_t>(get_le(field, 2)); }
  uint32_t u32(const char* field) { return static_cast<uint32_t>(get_le(field, 4)); }
  uint64_t u64(const char* field) { return get_le(field, 8); }
  bool boolean(const char* field) {
    const uint8_t v = u8(field);
    if (v > 1) fail(field, "boolean must be 0 or 1, got " + std::to_string(v));
    return v == 1;
  }
  std::string string(const char* field) {
    const uint32_t size = u32(field);
    if (!need(size, field)) return {};
    std::string out(bytes_.substr(pos_, size));
    pos_ += size;
    return out;
  }
  std::string_view raw(const char* field, size_t size) {
    if (!need(size, field)) return {};
    const std::string_view out = bytes_.substr(pos_, size);
    pos_ += size;
    return out;
  }
  // A count of records of at least `record_bytes_min` bytes each: capped by
  // `count_max` and by the bytes left, so a lying count cannot make the
  // caller reserve memory the input does not back.
  size_t count(const char* field, size_t count_max, size_t record_bytes_min) {
    const uint32_t n = u32(field);
    if (!ok()) return 0;
    if (n > count_max) {
      fail(field, std::to_string(n) + " is over the limit of " + std::to_string(count_max));
      return 0;
    }
    if (static_cast<uint64_t>(n) * record_bytes_min > remaining()) {
      fail(field,
           std::to_string(n) + " records cannot fit in the " + std::to_string(remaining()) + " bytes left");
      return 0;
    }
    return n;
  }

  void fail(const char* field, const std::string& what) {
    if (error_) return;
    std::string where;
    if (message_index_) where = "message " + std::to_string(*message_index_) + " (" + payload_ + "): ";
    if (item_ != nullptr) where += std::string(item_) + " " + std::to_string(item_index_) + ": ";
    error_ = where + field + ": " + what;
  }
  const std::string& error() const {
    DISPOTIFY_CHECK(error_.has_value());
    return *error_;
  }

 private:
  bool need(size_t size, const char* field) {
    if (!ok()) return false;
    if (size <= remaining()) return true;
    fail(field, "truncated (needs " + std::to_string(size) + " bytes, " + std::to_string(remaining()) +
                    " left) at byte " + std::to_string(pos_));
    return false;
  }
  uint64_t get_le(const char* field, size_t width) {
    if (!need(width, field)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
    }
    pos_ += width;
    return v;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  size_t end_ = 0;
  std::optional<std::string> error_;
  std::optional<size_t> message_index_;
  const char* payload_ = "";
  const char* item_ = nullptr;
  size_t item_index_ = 0;
};

std::vector<NodeId> read_nodes(Reader& r, const char* item) {
  const size_t n = r.count(item, kRaftConfNodesMax, 8);
  std::vector<NodeId> nodes;
  nodes.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) nodes.emplace_back(r.u64(item));
  return nodes;
}

raft::Payload read_request_vote(Reader& r) {
  raft::RequestVote p;
  p.last_log_index = LogIndex(r.u64("last_log_index"));
  p.last_log_term = Term(r.u64("last_log_term"));
  p.pre_vote = r.boolean("pre_vote");
  p.transfer = r.boolean("transfer");
  return p;
}

raft::Payload read_request_vote_response(Reader& r) {
  raft::RequestVoteResponse p;
  p.granted = r.boolean("granted");
  p.pre_vote = r.boolean("pre_vote");
  return p;
}

Entry read_entry(Reader& r) {
  Entry entry;
  entry.term = Term(r.u64("term"));
  entry.index = LogIndex(r.u64("index"));
  const uint8_t type = r.u8("type");
  if (type > static_cast<uint8_t>(raft::EntryType::noop)) {
    r.fail("type", "unknown entry type " + std::to_string(type));
  }
  entry.type = static_cast<raft::EntryType>(type);
  entry.data = r.string("data");
  return entry;
}

raft::Payload read_append_entries(Reader& r) {
  raft::AppendEntries p;
  p.prev_log_index = LogIndex(r.u64("prev_log_index"));
  p.prev_log_term = Term(r.u64("prev_log_term"));
  const size_t n = r.count("entry count", kRaftEntriesPerMessageMax, kEntryBytesMin);
  p.entries.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    r.set_item("entry", i);
    p.entries.push_back(read_entry(r));
  }
  r.clear_item();
  p.leader_commit = LogIndex(r.u64("leader_commit"));
  p.read_context = r.u64("read_context");
  return p;
}

raft::Payload read_append_entries_response(Reader& r) {
  raft::AppendEntriesResponse p;
  p.success = r.boolean("success");
  p.match_index = LogIndex(r.u64("match_index"));
  p.rejected_index = LogIndex(r.u64("rejected_index"));
  p.conflict_term = Term(r.u64("conflict_term"));
  p.conflict_index = LogIndex(r.u64("conflict_index"));
  p.read_context = r.u64("read_context");
  return p;
}

raft::Payload read_install_snapshot(Reader& r) {
  raft::InstallSnapshot p;
  p.meta.index = LogIndex(r.u64("snapshot index"));
  p.meta.term = Term(r.u64("snapshot term"));
  p.meta.conf.voters = read_nodes(r, "voter");
  p.meta.conf.learners = read_nodes(r, "learner");
  p.offset = r.u64("offset");
  p.data = r.string("data");
  p.done = r.boolean("done");
  return p;
}

raft::Payload read_install_snapshot_response(Reader& r) {
  raft::InstallSnapshotResponse p;
  p.snapshot_index = LogIndex(r.u64("snapshot_index"));
  p.next_offset = r.u64("next_offset");
  p.installed = r.boolean("installed");
  p.rejected = r.boolean("rejected");
  return p;
}

raft::Payload read_timeout_now(Reader&) { return raft::TimeoutNow{}; }

raft::Payload read_read_index_request(Reader& r) {
  raft::ReadIndexRequest p;
  p.context = r.u64("context");
  return p;
}

raft::Payload read_read_index_response(Reader& r) {
  raft::ReadIndexResponse p;
  p.context = r.u64("context");
  p.index = LogIndex(r.u64("index"));
  p.ok = r.boolean("ok");
  return p;
}

// Indexed by tag - 1, i.e. like the alternatives of raft::Payload.
using PayloadReader = raft::Payload (*)(Reader&);
constexpr std::array<PayloadReader, std::variant_size_v<raft::Payload>> kPayloadReaders = {
    read_request_vote,       read_request_vote_response,
    read_append_entries,     read_append_entries_response,
    read_install_snapshot,   read_install_snapshot_response,
    read_timeout_now,        read_read_index_request,
    read_read_index_response};

constexpr std::array<const char*, std::variant_size_v<raft::Payload>> kPayloadNames = {
    "RequestVote",      "RequestVoteResponse",     "AppendEntries", "AppendEntriesResponse",
    "InstallSnapshot",  "InstallSnapshotResponse", "TimeoutNow",    "ReadIndexRequest",
    "ReadIndexResponse"};

// ---- checks the Raft core relies on ----------------------------------------

// An AppendEntries the core can append without tripping its checks: the
// entries continue prev_log_index without a gap (Figure 2), and their terms
// never go back and never pass the leader's term (terms in a log only grow,
// §5.3, and a leader appends only in its own term).
std::optional<std::string> append_entries_problem(const Message& m, const raft::AppendEntries& p) {
  if (p.entries.empty()) return std::nullopt;
  if (p.prev_log_index.value() > std::numeric_limits<uint64_t>::max() - p.entries.size()) {
    return "prev_log_index leaves no room for the entries";
  }
  Term previous_term = p.prev_log_term;
  for (size_t i = 0; i < p.entries.size(); ++i) {
    const Entry& entry = p.entries[i];
    const std::string where = "entry " + std::to_string(i) + ": ";
    if (entry.index != p.prev_log_index + (i + 1)) {
      return where + "index " + std::to_string(entry.index.value()) + " does not follow prev_log_index " +
             std::to_string(p.prev_log_index.value());
    }
    if (entry.term < previous_term) return where + "term goes back";
    if (entry.term > m.term) return where + "term is after the message's term";
    previous_term = entry.term;
  }
  return std::nullopt;
}

std::optional<std::string> sorted_nodes_problem(const std::vector<NodeId>& nodes, const char* what) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].is_zero()) return std::string(what) + " " + std::to_string(i) + " is node 0";
    if (i > 0 && nodes[i - 1] >= nodes[i]) return std::string(what) + "s are not sorted and distinct";
  }
  return std::nullopt;
}

// raft::ConfState: voters and learners sorted and disjoint (raft/state.h).
std::optional<std::string> install_snapshot_problem(const raft::InstallSnapshot& p) {
  const raft::ConfState& conf = p.meta.conf;
  if (auto problem = sorted_nodes_problem(conf.voters, "voter")) return problem;
  if (auto problem = sorted_nodes_problem(conf.learners, "learner")) return problem;
  for (const NodeId learner : conf.learners) {
    if (std::binary_search(conf.voters.begin(), conf.voters.end(), learner)) {
      return "node " + std::to_string(learner.value()) + " is both voter and learner";
    }
  }
  if (p.offset > std::numeric_limits<uint64_t>::max() - p.data.size()) return "offset + data overflows";
  return std::nullopt;
}

std::optional<std::string> message_problem(const Message& m) {
  if (m.from.is_zero() || m.to.is_zero()) return "from and to must not be node 0";
  if (m.from == m.to) return "from and to are the same node";
  if (const auto* append = std::get_if<raft::AppendEntries>(&m.payload)) {
    return append_entries_problem(m, *append);
  }
  if (const auto* snapshot = std::get_if<raft::InstallSnapshot>(&m.payload)) {
    return install_snapshot_problem(*snapshot);
  }
  return std::nullopt;
}

// One framed message; the reader is left after its last byte.
std::optional<Message> read_message(Reader& r, size_t index) {
  r.set_message(index, "?");
  const uint32_t length = r.u32("length");
  if (!r.ok()) return std::nullopt;
  if (length > r.remaining()) {
    r.fail("length",
           std::to_string(length) + " is more than the " + std::to_string(r.remaining()) + " bytes left");
    return std::nullopt;
  }
  const size_t end = r.offset() + length;
  const size_t batch_end = r.offset() + r.remaining();
  r.set_end(end);
  const uint8_t tag = r.u8("tag");
  if (r.ok() && (tag == 0 || tag > kPayloadReaders.size())) {
    r.fail("tag", "unknown payload tag " + std::to_string(tag));
  }
  if (!r.ok()) return std::nullopt;
  r.set_message(index, kPayloadNames[tag - 1]);
  Message m;
  m.from = NodeId(r.u64("from"));
  m.to = NodeId(r.u64("to"));
  m.term = Term(r.u64("term"));
  m.payload = kPayloadReaders[tag - 1](r);
  if (r.ok() && r.remaining() != 0) {
    r.fail("length", std::to_string(r.remaining()) + " unused bytes at the end");
  }
  if (!r.ok()) return std::nullopt;
  if (auto problem = message_problem(m)) {
    r.fail("content", *problem);
    return std::nullopt;
  }
  r.set_end(batch_end);
  return m;
}

Status read_header(Reader& r, size_t& count) {
  const std::string_view magic = r.raw("magic", kMagic.size());
  if (r.ok() && magic != kMagic) r.fail("magic", "not a Raft message batch");
  const uint16_t version = r.u16("version");
  if (r.ok() && version != kRaftCodecVersion) {
    r.fail("version", "unsupported version " + std::to_string(version));
  }
  const uint16_t flags = r.u16("flags");
  if (r.ok() && flags != 0) r.fail("flags", "unknown flags " + std::to_string(flags));
  count = r.count("message count", kRaftBatchMessagesMax, kMessageBytesMin);
  if (!r.ok()) return make_error(Errc::invalid_argument, "batch header: " + r.error());
  return ok_status();
}

}  // namespace

size_t encoded_message_bytes(const Message& message) {
  return kMessageFrameBytes + message_body_bytes(message);
}

std::string encode_batch(std::span<const Message> messages) {
  DISPOTIFY_CHECK_MSG(messages.size() <= kRaftBatchMessagesMax,
                      "batch of " + std::to_string(messages.size()) + " messages is over the limit");
  size_t total = kRaftBatchHeaderBytes;
  for (const Message& m : messages) total += encoded_message_bytes(m);
  std::string out;
  out.reserve(total);
  ByteWriter writer{&out};
  out.append(kMagic);
  writer.u16(kRaftCodecVersion);
  writer.u16(0);  // flags: none defined in version 1
  writer.u32(static_cast<uint32_t>(messages.size()));
  for (const Message& m : messages) {
    const size_t body_bytes = message_body_bytes(m);
    DISPOTIFY_CHECK_MSG(body_bytes <= kStringBytesMax, "message too large to frame");
    writer.u32(static_cast<uint32_t>(body_bytes));
    const size_t body_start = out.size();
    put_message_body(writer, m);
    DISPOTIFY_CHECK(out.size() - body_start == body_bytes);
  }
  DISPOTIFY_CHECK(out.size() == total);
  return out;
}

Result<std::vector<Message>> decode_batch(std::string_view bytes) {
  if (bytes.size() > kRaftBatchBytesMax) {
    return make_error(Errc::invalid_argument, "batch of " + std::to_string(bytes.size()) +
                                                  " bytes is over the limit of " +
                                                  std::to_string(kRaftBatchBytesMax));
  }
  Reader r(bytes);
  size_t count = 0;
  DISPOTIFY_TRY(read_header(r, count));
  std::vector<Message> messages;
  messages.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::optional<Message> m = read_message(r, i);
    if (!m) return make_error(Errc::invalid_argument, r.error());
    messages.push_back(std::move(*m));
  }
  if (r.remaining() != 0) {
    return make_error(Errc::invalid_argument,
                      std::to_string(r.remaining()) + " trailing bytes after the last message");
  }
  return messages;
}

}  // namespace dispotify::cluster
