#include "log/log_replay.h"

#include <algorithm>

namespace dispotify::raftlog {

LogReplay::LogReplay(const MetaRecord& meta) : meta_(meta) {
  log_.compacted_index = meta.compacted_index;
  log_.compacted_term = meta.compacted_term;
  log_.hard_state = meta.hard_state;
}

std::optional<std::string> LogReplay::check_hard_state(const raft::HardState& hs) const {
  if (!record_hard_state_) return std::nullopt;
  const raft::HardState& prev = *record_hard_state_;
  if (hs.current_term < prev.current_term) return "hard state term goes back";
  if (hs.commit_index < prev.commit_index) return "hard state commit index goes back";
  if (hs.current_term == prev.current_term && !prev.voted_for.is_zero() && hs.voted_for != prev.voted_for) {
    return "hard state changes its vote within a term";
  }
  return std::nullopt;
}

std::optional<std::string> LogReplay::check_entries(const BatchRecord& batch) const {
  const raft::LogIndex first = batch.first_index;
  const raft::LogIndex last = log_.last_index();
  if (first > last + 1) {
    return "record starts at " + raft::to_string(first) + " but the log ends at " + raft::to_string(last);
  }
  // Only entries this replay holds can be truncated; older indexes belong
  // to the compacted prefix and are skipped (see the header).
  const raft::LogIndex kept_from = std::max(first, log_.compacted_index + 1);
  const raft::LogIndex commit = record_hard_state_ ? record_hard_state_->commit_index : raft::LogIndex();
  if (kept_from <= last && kept_from <= commit)
    return "record truncates committed " + raft::to_string(kept_from);
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    const raft::Term term = batch.entries[i].term;
    if (term.is_zero()) return "entry with term 0";
    if (i > 0 && term < batch.entries[i - 1].term) return "entry terms decrease within the record";
  }
  if (kept_from > log_.compacted_index + 1 && kept_from <= last + 1 && first == kept_from) {
    const raft::Term before = log_.entries[kept_from - log_.compacted_index - 2].term;
    if (batch.entries.front().term < before) return "entry term lower than the entry before it";
  }
  return std::nullopt;
}

void LogReplay::append(BatchRecord& batch) {
  const raft::LogIndex kept_from = std::max(batch.first_index, log_.compacted_index + 1);
  const uint64_t keep = kept_from - (log_.compacted_index + 1);
  DISPOTIFY_CHECK(keep <= log_.entries.size());
  log_.entries.resize(keep);
  const uint64_t skip = kept_from - batch.first_index;
  for (size_t i = skip; i < batch.entries.size(); ++i) log_.entries.push_back(std::move(batch.entries[i]));
  DISPOTIFY_CHECK(log_.entries.empty() || log_.entries.back().index == log_.last_index());
}

std::optional<std::string> LogReplay::apply(BatchRecord batch) {
  if (!batch.hard_state && batch.entries.empty()) return "record holds neither a hard state nor entries";
  if (batch.hard_state) {
    if (auto why = check_hard_state(*batch.hard_state)) return why;
  }
  if (!batch.entries.empty()) {
    if (auto why = check_entries(batch)) return why;
    append(batch);
  }
  if (batch.hard_state) record_hard_state_ = batch.hard_state;
  return std::nullopt;
}

Result<RecoveredLog> LogReplay::finish() && {
  auto corrupt = [](std::string why) { return make_error(Errc::corrupt, std::move(why)); };
  if (record_hard_state_) {
    // The meta's hard state is a copy of the latest at compaction time, so
    // the records cannot hold an older one after it.
    if (record_hard_state_->current_term < meta_.hard_state.current_term ||
        record_hard_state_->commit_index < meta_.hard_state.commit_index) {
      return corrupt("the last hard state in the segments is older than the one in the meta file");
    }
    log_.hard_state = *record_hard_state_;
  }
  if (log_.hard_state.commit_index > log_.last_index()) {
    return corrupt("commit index " + std::to_string(log_.hard_state.commit_index.value()) +
                   " is past the end of the log at " + std::to_string(log_.last_index().value()));
  }
  if (!log_.entries.empty() && log_.entries.front().term < log_.compacted_term) {
    return corrupt("first entry's term is lower than the compacted term");
  }
  // The checks per record make these hold; a failure here is a bug.
  for (size_t i = 0; i < log_.entries.size(); ++i) {
    DISPOTIFY_CHECK(log_.entries[i].index == log_.compacted_index + (i + 1));
    DISPOTIFY_CHECK(i == 0 || log_.entries[i].term >= log_.entries[i - 1].term);
  }
  return std::move(log_);
}

}  // namespace dispotify::raftlog
