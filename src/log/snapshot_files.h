// Names and the meta record of snapshot files (docs/formats/raft_log.md,
// "Snapshots"). A snapshot is two files in the snapshot directory:
//
//   snapshot-<index>-<term>.snap   the payload, exactly as the state machine
//                                  produced it (a SQLite database file), so
//                                  it can be opened or sent as is
//   snapshot-<index>-<term>.meta   one frame (frame.h) of type
//                                  snapshot_meta: the SnapshotMeta, the
//                                  payload's size and its CRC32C
//
// The .meta file is written last and atomically: it is the commit point. A
// .snap without a .meta is an interrupted publish and is deleted at open.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/state.h"

namespace dispotify::raftlog {

// Bounds what a hostile or broken meta file can make us allocate.
inline constexpr uint32_t kConfMembersMax = 4096;

struct SnapshotMetaRecord {
  raft::SnapshotMeta meta;
  uint64_t size_bytes = 0;
  uint32_t crc32c = 0;  // of the whole payload
  friend bool operator==(const SnapshotMetaRecord&, const SnapshotMetaRecord&) = default;
};

// A framed record, ready to be written as the .meta file.
std::string encode_snapshot_meta_file(const SnapshotMetaRecord& record);
// Errc::corrupt with the reason for anything but one intact, valid frame.
[[nodiscard]] Result<SnapshotMetaRecord> decode_snapshot_meta_file(std::string_view bytes);

// True when voters and learners are each sorted, unique and disjoint
// (raft/state.h), and no id is zero.
bool conf_state_is_valid(const raft::ConfState& conf);

enum class SnapshotFileKind { payload, meta };

struct SnapshotFileName {
  raft::LogIndex index;
  raft::Term term;
  SnapshotFileKind kind = SnapshotFileKind::payload;
};

std::string snapshot_file_name(raft::LogIndex index, raft::Term term, SnapshotFileKind kind);
std::optional<SnapshotFileName> parse_snapshot_file_name(std::string_view file_name);

}  // namespace dispotify::raftlog
