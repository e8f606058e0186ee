#include "log/snapshot_files.h"

#include <algorithm>
#include "log/byte_codec.h"
#include "log/fixed_decimal.h"
#include "log/frame.h"

namespace dispotify::raftlog {
namespace {

constexpr std::string_view kPrefix = "snapshot-";
constexpr std::string_view kPayloadSuffix = ".snap";
constexpr std::string_view kMetaSuffix = ".meta";

Error corrupt(std::string why) { return make_error(Errc::corrupt, std::move(why)); }

void put_ids(ByteWriter& w, const std::vector<raft::NodeId>& ids) {
  DISPOTIFY_CHECK(ids.size() <= kConfMembersMax);
  w.u32(static_cast<uint32_t>(ids.size()));
  for (raft::NodeId id : ids) w.u64(id.value());
}

std::vector<raft::NodeId> get_ids(ByteReader& r) {
  const uint32_t count = r.u32();
  std::vector<raft::NodeId> ids;
  if (count > kConfMembersMax || count > r.remaining() / 8) {
    r.bytes(UINT64_MAX);  // marks the reader failed
    return ids;
  }
  for (uint32_t i = 0; i < count; ++i) ids.emplace_back(r.u64());
  return ids;
}

bool strictly_sorted_nonzero(const std::vector<raft::NodeId>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].is_zero() || (i > 0 && !(ids[i - 1] < ids[i]))) return false;
  }
  return true;
}

}  // namespace

bool conf_state_is_valid(const raft::ConfState& conf) {
  if (!strictly_sorted_nonzero(conf.voters) || !strictly_sorted_nonzero(conf.learners)) return false;
  for (raft::NodeId id : conf.learners) {
    if (std::binary_search(conf.voters.begin(), conf.voters.end(), id)) return false;
  }
  return true;
}

std::string encode_snapshot_meta_file(const SnapshotMetaRecord& record) {
  std::string payload;
  ByteWriter w(payload);
  w.u64(record.meta.index.value());
  w.u64(record.meta.term.value());
  put_ids(w, record.meta.conf.voters);
  put_ids(w, record.meta.conf.learners);
  w.u64(record.size_bytes);
  w.u32(record.crc32c);
  std::string out;
  append_frame(out, FrameType::snapshot_meta, payload);
  return out;
}

Result<SnapshotMetaRecord> decode_snapshot_meta_file(std::string_view bytes) {
  const FrameDecode frame = decode_frame(bytes, 0);
  if (frame.status != FrameStatus::ok) return corrupt(frame_status_text(frame.status));
  if (frame.type != static_cast<uint8_t>(FrameType::snapshot_meta))
    return corrupt("not a snapshot meta record");
  if (frame.end_offset != bytes.size()) return corrupt("trailing bytes after the snapshot meta record");
  ByteReader r(frame.payload);
  SnapshotMetaRecord record;
  record.meta.index = raft::LogIndex(r.u64());
  record.meta.term = raft::Term(r.u64());
  record.meta.conf.voters = get_ids(r);
  record.meta.conf.learners = get_ids(r);
  record.size_bytes = r.u64();
  record.crc32c = r.u32();
  if (!r.done()) return corrupt("snapshot meta record has the wrong length");
  if (record.meta.index.is_zero() || record.meta.term.is_zero())
    return corrupt("snapshot at index or term 0");
  if (!conf_state_is_valid(record.meta.conf))
    return corrupt("snapshot configuration is not sorted and disjoint");
  return record;
}

std::string snapshot_file_name(raft::LogIndex index, raft::Term term, SnapshotFileKind kind) {
  return std::string(kPrefix) + fixed_decimal(index.value()) + "-" + fixed_decimal(term.value()) +
         std::string(kind == SnapshotFileKind::payload ? kPayloadSuffix : kMetaSuffix);
}

std::optional<SnapshotFileName> parse_snapshot_file_name(std::string_view file_name) {
  if (!file_name.starts_with(kPrefix)) return std::nullopt;
  SnapshotFileName parsed;
  std::string_view rest = file_name.substr(kPrefix.size());
  if (rest.ends_with(kPayloadSuffix)) {
    parsed.kind = SnapshotFileKind::payload;
    rest.remove_suffix(kPayloadSuffix.size());
  } else if (rest.ends_with(kMetaSuffix)) {
    parsed.kind = SnapshotFileKind::meta;
    rest.remove_suffix(kMetaSuffix.size());
  } else {
    return std::nullopt;
  }
  if (rest.size() != 2 * kFixedDecimalDigits + 1 || rest[kFixedDecimalDigits] != '-') return std::nullopt;
  const auto index = parse_fixed_decimal(rest.substr(0, kFixedDecimalDigits));
  const auto term = parse_fixed_decimal(rest.substr(kFixedDecimalDigits + 1));
  if (!index || !term || *index == 0 || *term == 0) return std::nullopt;
  parsed.index = raft::LogIndex(*index);
  parsed.term = raft::Term(*term);
  return parsed;
}

}  // namespace dispotify::raftlog
