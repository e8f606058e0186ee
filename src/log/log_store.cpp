// LogStore: opening, the caller contract of save(), and in-memory state.
// Writing records is in log_append.cpp, compaction and reset in
// log_compaction.cpp.
#include "log/log_store.h"

#include <fcntl.h>

#include <cerrno>

#include "base/fs.h"
#include "log/frame.h"
#include "log/log_recovery.h"

namespace dispotify::raftlog {

LogStore::LogStore(std::string dir, LogStoreOptions options) : dir_(std::move(dir)), options_(options) {}

Result<std::unique_ptr<LogStore>> LogStore::open(const std::string& dir, LogStoreOptions options) {
  if (dir.empty()) return make_error(Errc::invalid_argument, "Raft log directory is empty");
  DISPOTIFY_CHECK_MSG(options.segment_bytes_max > 0 && options.segment_bytes_max <= kSegmentBytesMaxLimit,
                      "segment_bytes_max out of range");
  DISPOTIFY_TRY(fs::make_dirs(dir));
  DISPOTIFY_TRY(fs::fsync_dir(fs::dirname(dir)));  // the directory itself survives a crash
  DISPOTIFY_ASSIGN_OR_RETURN(RecoveryResult found, recover_log(dir));
  std::unique_ptr<LogStore> store(new LogStore(dir, options));
  store->meta_ = found.meta;
  store->hard_state_ = found.log.hard_state;
  store->compacted_index_ = found.log.compacted_index;
  store->compacted_term_ = found.log.compacted_term;
  store->terms_.reserve(found.log.entries.size());
  for (const raft::Entry& e : found.log.entries) store->terms_.push_back(e.term);
  store->segments_ = std::move(found.segments);
  store->next_sequence_ = found.next_sequence;
  if (!store->segments_.empty()) {
    const std::string& path = store->segments_.back().path;
    store->active_fd_.reset(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!store->active_fd_.valid()) return fs::errno_error("open", path, errno);
  }
  store->recovered_ = std::move(found.log);
  store->check_invariants();
  return store;
}

const RecoveredLog& LogStore::recovered() const {
  DISPOTIFY_CHECK_MSG(!recovered_taken_, "recovered log already taken");
  return recovered_;
}

RecoveredLog LogStore::take_recovered() {
  DISPOTIFY_CHECK_MSG(!recovered_taken_, "recovered log already taken");
  recovered_taken_ = true;
  return std::move(recovered_);
}

raft::Term LogStore::term_at(raft::LogIndex index) const {
  DISPOTIFY_CHECK_MSG(index >= compacted_index_ && index <= last_index(), raft::to_string(index));
  if (index == compacted_index_) return compacted_term_;
  return terms_[index - compacted_index_ - 1];
}

void LogStore::check_save(const std::optional<raft::HardState>& hs,
                          std::span<const raft::Entry> entries) const {
  if (hs) {
    DISPOTIFY_CHECK_MSG(hs->current_term >= hard_state_.current_term, "hard state term goes back");
    DISPOTIFY_CHECK_MSG(hs->commit_index >= hard_state_.commit_index, "commit index goes back");
    // §5.2: at most one vote per term.
    DISPOTIFY_CHECK_MSG(hs->current_term != hard_state_.current_term || hard_state_.voted_for.is_zero() ||
                            hs->voted_for == hard_state_.voted_for,
                        "vote changed within a term");
  }
  const raft::LogIndex new_last = entries.empty() ? last_index() : entries.back().index;
  const raft::LogIndex commit = hs ? hs->commit_index : hard_state_.commit_index;
  DISPOTIFY_CHECK_MSG(commit <= new_last, "commit index past the end of the log");
  if (entries.empty()) return;
  const raft::LogIndex first = entries.front().index;
  DISPOTIFY_CHECK_MSG(first > compacted_index_ && first <= last_index() + 1, "entries do not follow the log");
  // §5.4 (Leader Completeness): committed entries are never replaced.
  DISPOTIFY_CHECK_MSG(first > last_index() || first > hard_state_.commit_index,
                      "truncating a committed entry");
  DISPOTIFY_CHECK_MSG(entries.front().term >= term_at(first - 1), "entry term lower than the entry before");
  for (size_t i = 0; i < entries.size(); ++i) {
    const raft::Entry& e = entries[i];
    DISPOTIFY_CHECK_MSG(e.index == first + i, "entries not contiguous");
    DISPOTIFY_CHECK_MSG(!e.term.is_zero(), "entry with term 0");
    DISPOTIFY_CHECK_MSG(i == 0 || e.term >= entries[i - 1].term, "entry terms decrease");
    DISPOTIFY_CHECK_MSG(static_cast<uint8_t>(e.type) <= static_cast<uint8_t>(raft::EntryType::noop),
                        "unknown entry type");
  }
}

Status LogStore::save(const std::optional<raft::HardState>& hard_state,
                      std::span<const raft::Entry> entries) {
  DISPOTIFY_TRY(check_usable());
  check_save(hard_state, entries);
  if (!hard_state && entries.empty()) return {};
  std::string record;
  const size_t start = begin_frame(record);
  encode_batch(record, hard_state, entries);
  if (record.size() - kFrameHeaderBytes > kFrameLengthMax) {
    return make_error(Errc::too_large, "Raft log record of " + std::to_string(record.size()) +
                                           " bytes exceeds the limit of " + std::to_string(kFrameLengthMax));
  }
  finish_frame(record, start, FrameType::log_batch);
  const raft::LogIndex first = entries.empty() ? last_index() + 1 : entries.front().index;
  const raft::LogIndex max_index = entries.empty() ? raft::LogIndex() : entries.back().index;
  DISPOTIFY_TRY(append_record(record, first, max_index));
  apply_save(hard_state, entries);
  return {};
}

void LogStore::apply_save(const std::optional<raft::HardState>& hard_state,
                          std::span<const raft::Entry> entries) {
  if (hard_state) hard_state_ = *hard_state;
  if (!entries.empty()) {
    terms_.resize(entries.front().index - compacted_index_ - 1);
    for (const raft::Entry& e : entries) terms_.push_back(e.term);
  }
  check_invariants();
}

Status LogStore::check_usable() const {
  if (!failure_) return {};
  return make_error(Errc::io_error,
                    "Raft log " + dir_ + " failed earlier and must be reopened: " + failure_->message);
}

Status LogStore::fail(Error error) {
  if (!failure_) failure_ = error;
  return error;
}

void LogStore::check_invariants() const {
  DISPOTIFY_CHECK(compacted_index_ == meta_.compacted_index && compacted_term_ == meta_.compacted_term);
  DISPOTIFY_CHECK(compacted_index_.is_zero() == compacted_term_.is_zero());
  DISPOTIFY_CHECK(hard_state_.commit_index <= last_index());
  DISPOTIFY_CHECK(terms_.empty() || terms_.front() >= compacted_term_);
  DISPOTIFY_CHECK(active_fd_.valid() == !segments_.empty());
  for (size_t i = 0; i < segments_.size(); ++i) {
    DISPOTIFY_CHECK(segments_[i].name.sequence == meta_.first_live_sequence + i);
    DISPOTIFY_CHECK(segments_[i].size_bytes > 0);
  }
  DISPOTIFY_CHECK(next_sequence_ == meta_.first_live_sequence + segments_.size());
}

}  // namespace dispotify::raftlog
