// LogStore: appending a record to the active segment, starting a new
// segment when the active one is full. Ordering, so that a crash at any
// instant leaves the whole record or a torn tail:
//   write the record -> fdatasync the segment -> (new segment only) fsync
//   the directory -> only then update memory and return ok.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/fs.h"
#include "log/file_io.h"
#include "log/log_store.h"

namespace dispotify::raftlog {

Status LogStore::append_record(std::string_view record, raft::LogIndex first_index,
                               raft::LogIndex max_index) {
  const bool fresh =
      segments_.empty() || segments_.back().size_bytes + record.size() > options_.segment_bytes_max;
  if (fresh) DISPOTIFY_TRY(start_segment(first_index));
  DISPOTIFY_TRY(write_to_active(record, fresh));
  Segment& active = segments_.back();
  active.size_bytes += record.size();
  active.max_index = std::max(active.max_index, max_index);
  return {};
}

// The new file becomes segments_.back() with size 0; write_to_active()
// removes it again if its first record cannot be written.
Status LogStore::start_segment(raft::LogIndex first_index) {
  const SegmentName name{next_sequence_, first_index};
  const std::string path = dir_ + "/" + segment_file_name(name);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return fs::errno_error("create", path, errno);
  // The previous segment is complete and synced: every save synced it.
  active_fd_ = std::move(fd);
  segments_.push_back(Segment{name, path, 0, raft::LogIndex()});
  ++next_sequence_;
  return {};
}

Status LogStore::write_to_active(std::string_view record, bool fresh_segment) {
  Segment& active = segments_.back();
  if (auto written = write_all_at(active_fd_.get(), active.path, record, active.size_bytes); !written.ok()) {
    // Undo the partial record so the next save does not follow garbage,
    // which open() would rightly call corruption.
    const bool undone = fresh_segment
                            ? ::unlink(active.path.c_str()) == 0
                            : ::ftruncate(active_fd_.get(), static_cast<off_t>(active.size_bytes)) == 0;
    if (!undone) return fail(std::move(written).error());
    if (fresh_segment) {
      segments_.pop_back();
      --next_sequence_;
      active_fd_.reset();
      if (!segments_.empty()) {
        // Reopen the previous segment for appends.
        active_fd_.reset(::open(segments_.back().path.c_str(), O_RDWR | O_CLOEXEC));
        if (!active_fd_.valid()) return fail(fs::errno_error("open", segments_.back().path, errno));
      }
    }
    return std::move(written).error();
  }
  // After a failed fsync the kernel may have dropped the dirty pages, so
  // the file's content is unknown: the store stops (see the header).
  if (auto synced = sync_data(active_fd_.get(), active.path); !synced.ok())
    return fail(std::move(synced).error());
  if (fresh_segment) {
    if (auto synced = fs::fsync_dir(dir_); !synced.ok()) return fail(std::move(synced).error());
  }
  return {};
}

}  // namespace dispotify::raftlog
