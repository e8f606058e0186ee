// Transcoding with ffmpeg: the output formats we offer, the command line
// for one job, and a bounded local cache of finished transcodes (never
// replicated: any node can redo one from the blob).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace dispotify::media {

struct OutputFormat {
  std::string name;          // "mp3", "opus", "aac": what clients ask for
  std::string content_type;  // of the stream we send
  std::string suffix;
  int bitrate_kbps_default = 0;
  int bitrate_kbps_min = 0;
  int bitrate_kbps_max = 0;
};

std::optional<OutputFormat> output_format(std::string_view name);

struct TranscodeJob {
  std::string source_path;  // a local file (the blob)
  OutputFormat format;
  int bitrate_kbps = 0;     // clamped to the format's range
  int64_t offset_s = 0;     // start this far into the track
  int64_t duration_ms = 0;  // of the source, to size the time budget
};

// ffmpeg's argument vector: one audio stream, no video (cover) or
// metadata, one thread, file: protocol only, written to stdout.
std::vector<std::string> transcode_argv(const TranscodeJob& job);
// Wall-clock budget: the stream may be read at playback pace, so the
// track's length plus slack. CPU budget: far above what encoding needs.
int64_t transcode_timeout_ms(const TranscodeJob& job);
int64_t transcode_cpu_seconds(const TranscodeJob& job);

// Finished transcodes under one directory, named by a key (the source hash,
// format and bit rate), at most bytes_max in total: when a new file goes
// past it, the least recently used go. A transcode in progress is written
// to a temporary file and renamed in only once ffmpeg succeeded, so a file
// in the cache is always complete. Thread-safe.
class TranscodeCache {
 public:
  static constexpr uint64_t kBytesMaxDefault = 1ULL << 30;
  // At most this many ffmpeg processes at once on a node.
  static constexpr int kRunningMax = 4;

  // Called once before use (lazily, by the first transcode).
  void configure(const std::string& dir, uint64_t bytes_max);
  bool configured();

  // The finished file for `key` (its use time is refreshed), if cached.
  std::optional<std::string> find(const std::string& key);
  // A temporary file to write a transcode into, and its path.
  [[nodiscard]] Result<std::pair<UniqueFd, std::string>> create_temp(const std::string& key);
  // Moves a complete temporary file into place, then trims the cache.
  [[nodiscard]] Status commit(const std::string& temp_path, const std::string& key);

  // A slot for one running ffmpeg; false when kRunningMax are running.
  bool acquire();
  void release();

 private:
  void trim();

  std::mutex mutex_;
  std::string dir_;  // guarded by mutex_
  uint64_t bytes_max_ = kBytesMaxDefault;
  int running_ = 0;
  uint64_t temp_counter_ = 0;
};

}  // namespace dispotify::media
