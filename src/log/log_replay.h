// Rebuilds the log from the meta record and the live segments' batch
// records, in order, validating each record against what came before
// (docs/formats/raft_log.md, "Replay"). A record that decodes but breaks
// the rules (a gap, a decreasing term, a truncation of a committed entry)
// was written by a bug or altered on disk: apply() returns the reason and
// the caller reports Errc::corrupt with the file and offset.
//
// Records of the first live segment may predate the compaction point and
// rewrite indexes at or below it; those entries are skipped, since the
// compacted prefix is fixed.
#pragma once

#include <optional>
#include <string>

#include "log/log_records.h"
#include "log/recovered_log.h"

namespace dispotify::raftlog {

class LogReplay {
 public:
  explicit LogReplay(const MetaRecord& meta);

  // Applies one record; nullopt on success, else why it is invalid.
  std::optional<std::string> apply(BatchRecord batch);

  raft::LogIndex last_index() const { return log_.last_index(); }

  // The recovered log, or why the whole is inconsistent.
  [[nodiscard]] Result<RecoveredLog> finish() &&;

 private:
  std::optional<std::string> check_hard_state(const raft::HardState& hs) const;
  std::optional<std::string> check_entries(const BatchRecord& batch) const;
  void append(BatchRecord& batch);

  MetaRecord meta_;
  RecoveredLog log_;
  // The last hard state found in the records; it supersedes the meta's,
  // which is a copy of the latest one at the last compaction or reset.
  std::optional<raft::HardState> record_hard_state_;
};

}  // namespace dispotify::raftlog
