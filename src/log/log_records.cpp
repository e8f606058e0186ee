#include "log/log_records.h"

#include "log/byte_codec.h"

namespace dispotify::raftlog {
namespace {

constexpr uint8_t kFlagHardState = 1;
constexpr uint8_t kFlagsKnown = kFlagHardState;
// term u64, type u8, data length u32: the least an entry takes, which bounds
// the entry count a payload can claim before anything is allocated.
constexpr size_t kEntryBytesMin = 8 + 1 + 4;
constexpr uint8_t kEntryTypeMax = static_cast<uint8_t>(raft::EntryType::noop);

void put_hard_state(ByteWriter& w, const raft::HardState& hs) {
  w.u64(hs.current_term.value());
  w.u64(hs.voted_for.value());
  w.u64(hs.commit_index.value());
}

raft::HardState get_hard_state(ByteReader& r) {
  raft::HardState hs;
  hs.current_term = raft::Term(r.u64());
  hs.voted_for = raft::NodeId(r.u64());
  hs.commit_index = raft::LogIndex(r.u64());
  return hs;
}

Error corrupt(std::string what) { return make_error(Errc::corrupt, std::move(what)); }

Result<raft::Entry> get_entry(ByteReader& r, raft::LogIndex index) {
  raft::Entry e;
  e.index = index;
  e.term = raft::Term(r.u64());
  const uint8_t type = r.u8();
  const uint32_t data_bytes = r.u32();
  e.data = std::string(r.bytes(data_bytes));
  if (!r.ok()) return corrupt("entry at " + raft::to_string(index) + " runs past the end of the record");
  if (type > kEntryTypeMax) return corrupt("entry at " + raft::to_string(index) + " has unknown type");
  e.type = static_cast<raft::EntryType>(type);
  return e;
}

}  // namespace

void encode_batch(std::string& out, const std::optional<raft::HardState>& hard_state,
                  std::span<const raft::Entry> entries) {
  ByteWriter w(out);
  w.u8(hard_state ? kFlagHardState : 0);
  if (hard_state) put_hard_state(w, *hard_state);
  w.u64(entries.empty() ? 0 : entries.front().index.value());
  DISPOTIFY_CHECK(entries.size() <= UINT32_MAX);
  w.u32(static_cast<uint32_t>(entries.size()));
  for (const raft::Entry& e : entries) {
    DISPOTIFY_CHECK(e.data.size() <= UINT32_MAX);
    w.u64(e.term.value());
    w.u8(static_cast<uint8_t>(e.type));
    w.u32(static_cast<uint32_t>(e.data.size()));
    w.bytes(e.data);
  }
}

Result<BatchRecord> decode_batch(std::string_view payload) {
  ByteReader r(payload);
  BatchRecord batch;
  const uint8_t flags = r.u8();
  if ((flags & ~kFlagsKnown) != 0) return corrupt("batch record has unknown flags");
  if ((flags & kFlagHardState) != 0) batch.hard_state = get_hard_state(r);
  batch.first_index = raft::LogIndex(r.u64());
  const uint32_t count = r.u32();
  if (!r.ok()) return corrupt("batch record header runs past the end of the record");
  if (count > r.remaining() / kEntryBytesMin)
    return corrupt("batch record claims more entries than it holds");
  if ((count == 0) != batch.first_index.is_zero()) return corrupt("batch record has a bad first index");
  batch.entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    DISPOTIFY_ASSIGN_OR_RETURN(raft::Entry e, get_entry(r, batch.first_index + i));
    batch.entries.push_back(std::move(e));
  }
  if (!r.done()) return corrupt("batch record has trailing bytes");
  return batch;
}

std::string encode_meta(const MetaRecord& meta) {
  std::string out;
  ByteWriter w(out);
  w.u64(meta.compacted_index.value());
  w.u64(meta.compacted_term.value());
  put_hard_state(w, meta.hard_state);
  w.u64(meta.first_live_sequence);
  return out;
}

Result<MetaRecord> decode_meta(std::string_view payload) {
  ByteReader r(payload);
  MetaRecord meta;
  meta.compacted_index = raft::LogIndex(r.u64());
  meta.compacted_term = raft::Term(r.u64());
  meta.hard_state = get_hard_state(r);
  meta.first_live_sequence = r.u64();
  if (!r.done()) return corrupt("meta record has the wrong length");
  if (meta.first_live_sequence == 0) return corrupt("meta record has segment sequence 0");
  if (meta.compacted_index.is_zero() != meta.compacted_term.is_zero()) {
    return corrupt("meta record has a compaction index without a term, or the reverse");
  }
  return meta;
}

}  // namespace dispotify::raftlog
