#include "log/log_recovery.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/fs.h"
#include "base/log.h"
#include "base/unique_fd.h"
#include "log/file_io.h"
#include "log/frame.h"
#include "log/log_replay.h"

namespace dispotify::raftlog {
namespace {

constexpr uint64_t kMetaFileBytesMax = 4096;

Error corrupt_at(const std::string& path, uint64_t offset, std::string_view why) {
  return make_error(Errc::corrupt, "corrupt Raft log: " + path + " at offset " + std::to_string(offset) +
                                       ": " + std::string(why));
}

struct DirListing {
  bool has_meta = false;
  std::vector<Segment> segments;  // all segment files, sorted by sequence
};

Result<DirListing> scan_dir(const std::string& dir) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> names, list_dir(dir));
  DirListing listing;
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    if (name == kMetaFileName) {
      listing.has_meta = true;
    } else if (name == std::string(kMetaFileName) + ".tmp") {
      DISPOTIFY_TRY(remove_file(path));  // an interrupted meta replacement
    } else if (auto parsed = parse_segment_file_name(name)) {
      listing.segments.push_back(Segment{*parsed, path, 0, raft::LogIndex()});
    } else {
      log::warn("ignoring unknown file in the Raft log directory", {{"path", path}});
    }
  }
  std::sort(listing.segments.begin(), listing.segments.end(),
            [](const Segment& a, const Segment& b) { return a.name.sequence < b.name.sequence; });
  return listing;
}

Result<MetaRecord> read_meta(const std::string& dir) {
  const std::string path = dir + "/" + std::string(kMetaFileName);
  auto bytes = read_whole_file(path, kMetaFileBytesMax);
  if (!bytes.ok() && bytes.error().code == Errc::too_large) return corrupt_at(path, 0, "meta file too large");
  if (!bytes.ok()) return std::move(bytes).error();
  const FrameDecode frame = decode_frame(*bytes, 0);
  if (frame.status != FrameStatus::ok) return corrupt_at(path, 0, frame_status_text(frame.status));
  if (frame.type != static_cast<uint8_t>(FrameType::log_meta))
    return corrupt_at(path, 0, "not a meta record");
  if (frame.end_offset != bytes->size()) return corrupt_at(path, frame.end_offset, "trailing bytes");
  auto meta = decode_meta(frame.payload);
  if (!meta.ok()) return corrupt_at(path, 0, meta.error().message);
  return std::move(meta).value();
}

// Deletes segments a compaction or reset declared dead, and checks that
// the live ones are numbered without a hole: a missing file means lost
// records, which must not pass for a shorter log.
Result<std::vector<Segment>> live_segments(const std::string& dir, const MetaRecord& meta,
                                           std::vector<Segment> all) {
  std::vector<Segment> live;
  bool removed = false;
  for (Segment& s : all) {
    if (s.name.sequence < meta.first_live_sequence) {
      DISPOTIFY_TRY(remove_file(s.path));
      removed = true;
      continue;
    }
    const uint64_t expected = live.empty() ? meta.first_live_sequence : live.back().name.sequence + 1;
    if (s.name.sequence != expected) {
      return make_error(Errc::corrupt, "corrupt Raft log: " + dir + ": segment " + std::to_string(expected) +
                                           " is missing (found " + s.path + ")");
    }
    live.push_back(std::move(s));
  }
  if (removed) DISPOTIFY_TRY(fs::fsync_dir(dir));
  return live;
}

// A crash interrupts only the last write, which is one record: after it
// there can be bytes of that record or zeros, never an intact record, and
// no more than one record's worth. Anything else is damage.
bool is_torn_tail(std::string_view bytes, size_t offset) {
  return bytes.size() - offset <= kFrameHeaderBytes + kFrameLengthMax && !intact_frame_after(bytes, offset);
}

Status cut_torn_tail(const std::string& path, uint64_t offset, uint64_t file_bytes, FrameStatus status) {
  log::warn("truncating torn tail of the Raft log", {{"path", path},
                                                     {"offset", offset},
                                                     {"bytes", file_bytes - offset},
                                                     {"why", frame_status_text(status)}});
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  if (::ftruncate(fd.get(), static_cast<off_t>(offset)) != 0) return fs::errno_error("truncate", path, errno);
  return sync_all(fd.get(), path);
}

Status replay_segment(Segment& segment, bool is_last, LogReplay& replay) {
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string bytes, read_whole_file(segment.path, kSegmentFileBytesMax));
  size_t offset = 0;
  while (offset < bytes.size()) {
    const FrameDecode frame = decode_frame(bytes, offset);
    if (frame.status != FrameStatus::ok) {
      if (frame.status == FrameStatus::newer_version || !is_last || !is_torn_tail(bytes, offset)) {
        return corrupt_at(segment.path, offset, frame_status_text(frame.status));
      }
      DISPOTIFY_TRY(cut_torn_tail(segment.path, offset, bytes.size(), frame.status));
      break;
    }
    if (frame.type != static_cast<uint8_t>(FrameType::log_batch)) {
      return corrupt_at(segment.path, offset, "not a log record");
    }
    auto batch = decode_batch(frame.payload);
    if (!batch.ok()) return corrupt_at(segment.path, offset, batch.error().message);
    if (offset == 0 && !batch->entries.empty() && batch->first_index != segment.name.first_index) {
      return corrupt_at(segment.path, offset, "first entry's index differs from the file name");
    }
    const raft::LogIndex record_last =
        batch->entries.empty() ? raft::LogIndex() : batch->entries.back().index;
    if (auto why = replay.apply(std::move(batch).value())) return corrupt_at(segment.path, offset, *why);
    segment.max_index = std::max(segment.max_index, record_last);
    offset = frame.end_offset;
  }
  segment.size_bytes = offset;
  return {};
}

// A crash between creating a segment and its first record leaves a file
// with nothing intact; it held nothing acknowledged, so it goes.
Status drop_empty_last_segment(const std::string& dir, std::vector<Segment>& segments) {
  if (segments.empty() || segments.back().size_bytes > 0) return {};
  DISPOTIFY_TRY(remove_file(segments.back().path));
  segments.pop_back();
  return fs::fsync_dir(dir);
}

}  // namespace

Status write_meta_file(const std::string& dir, const MetaRecord& meta) {
  std::string bytes;
  append_frame(bytes, FrameType::log_meta, encode_meta(meta));
  return fs::write_file_atomic(dir + "/" + std::string(kMetaFileName), bytes);
}

Result<RecoveryResult> recover_log(const std::string& dir) {
  DISPOTIFY_ASSIGN_OR_RETURN(DirListing listing, scan_dir(dir));
  RecoveryResult result;
  if (!listing.has_meta) {
    if (!listing.segments.empty()) {
      return make_error(Errc::corrupt, "corrupt Raft log: " + dir + "/meta is missing but segments exist");
    }
    DISPOTIFY_TRY(write_meta_file(dir, result.meta));  // a new, empty log
  } else {
    DISPOTIFY_ASSIGN_OR_RETURN(result.meta, read_meta(dir));
  }
  DISPOTIFY_ASSIGN_OR_RETURN(result.segments, live_segments(dir, result.meta, std::move(listing.segments)));
  LogReplay replay(result.meta);
  for (size_t i = 0; i < result.segments.size(); ++i) {
    Segment& segment = result.segments[i];
    const bool is_last = i + 1 == result.segments.size();
    DISPOTIFY_TRY(replay_segment(segment, is_last, replay));
    if (!is_last && segment.size_bytes == 0) return corrupt_at(segment.path, 0, "segment holds no record");
  }
  DISPOTIFY_TRY(drop_empty_last_segment(dir, result.segments));
  auto log = std::move(replay).finish();
  if (!log.ok()) return make_error(Errc::corrupt, "corrupt Raft log: " + dir + ": " + log.error().message);
  result.log = std::move(log).value();
  result.next_sequence =
      result.segments.empty() ? result.meta.first_live_sequence : result.segments.back().name.sequence + 1;
  return result;
}

}  // namespace dispotify::raftlog
