// Opening the log directory after a start or a crash
// (docs/formats/raft_log.md, "Recovery"):
//
// 1. remove leftovers: meta.tmp, and segments made dead by a compaction or
//    reset whose deletion a crash interrupted;
// 2. read the meta file (created on first open);
// 3. replay the live segments in sequence order. A bad record at the tail
//    of the last segment is a torn write and is cut off; a bad record
//    anywhere else is Errc::corrupt naming the file and byte offset.
//
// Single-threaded; runs before the store accepts writes.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "log/log_records.h"
#include "log/recovered_log.h"
#include "log/segment.h"

namespace dispotify::raftlog {

inline constexpr std::string_view kMetaFileName = "meta";

struct RecoveryResult {
  RecoveredLog log;
  MetaRecord meta;
  std::vector<Segment> segments;  // live, in sequence order; appends go to the last
  uint64_t next_sequence = 1;     // of the next segment to create
};

[[nodiscard]] Result<RecoveryResult> recover_log(const std::string& dir);

// Writes `meta` to DIR/meta atomically (temp file, fsync, rename, dir fsync).
[[nodiscard]] Status write_meta_file(const std::string& dir, const MetaRecord& meta);

}  // namespace dispotify::raftlog
