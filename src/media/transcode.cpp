#include "media/transcode.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace dispotify::media {
namespace {

constexpr const char* kFfmpegPath = "/usr/bin/ffmpeg";
constexpr int64_t kTimeoutSlackMs = 5 * 60 * 1000;
constexpr int64_t kCpuSecondsBase = 60;

std::vector<std::string> codec_args(const OutputFormat& format, int bitrate_kbps) {
  const std::string rate = std::to_string(bitrate_kbps) + "k";
  if (format.name == "mp3") return {"-c:a", "libmp3lame", "-b:a", rate, "-f", "mp3"};
  if (format.name == "opus") return {"-c:a", "libopus", "-b:a", rate, "-f", "ogg"};
  return {"-c:a", "aac", "-b:a", rate, "-f", "adts"};
}

}  // namespace

std::optional<OutputFormat> output_format(std::string_view name) {
  if (name == "mp3") return OutputFormat{"mp3", "audio/mpeg", "mp3", 192, 32, 320};
  if (name == "opus") return OutputFormat{"opus", "audio/ogg", "opus", 128, 16, 256};
  if (name == "aac") return OutputFormat{"aac", "audio/aac", "aac", 192, 32, 320};
  return std::nullopt;
}

std::vector<std::string> transcode_argv(const TranscodeJob& job) {
  const int bitrate = std::clamp(job.bitrate_kbps == 0 ? job.format.bitrate_kbps_default : job.bitrate_kbps,
                                 job.format.bitrate_kbps_min, job.format.bitrate_kbps_max);
  std::vector<std::string> argv = {kFfmpegPath, "-nostdin", "-hide_banner",        "-v",  "error",
                                   "-threads",  "1",        "-protocol_whitelist", "file"};
  // Before -i: a fast seek in the input, not a decode of everything before.
  if (job.offset_s > 0) argv.insert(argv.end(), {"-ss", std::to_string(job.offset_s)});
  // "file:" keeps a path from being read as another protocol or an option.
  argv.insert(argv.end(),
              {"-i", "file:" + job.source_path, "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"});
  for (std::string& arg : codec_args(job.format, bitrate)) argv.push_back(std::move(arg));
  argv.push_back("pipe:1");
  return argv;
}

int64_t transcode_timeout_ms(const TranscodeJob& job) { return 2 * job.duration_ms + kTimeoutSlackMs; }

int64_t transcode_cpu_seconds(const TranscodeJob& job) { return kCpuSecondsBase + job.duration_ms / 1000; }

void TranscodeCache::configure(const std::string& dir, uint64_t bytes_max) {
  std::lock_guard lock(mutex_);
  if (!dir_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir + "/tmp", ec);
  // Temporary files of a previous run are never completed: drop them.
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/tmp", ec)) {
    std::filesystem::remove(entry.path(), ec);
  }
  dir_ = dir;
  bytes_max_ = bytes_max;
}

bool TranscodeCache::configured() {
  std::lock_guard lock(mutex_);
  return !dir_.empty();
}

std::optional<std::string> TranscodeCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  const std::string path = dir_ + "/" + key;
  if (::access(path.c_str(), R_OK) != 0) return std::nullopt;
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // now: most recently used
  return path;
}

Result<std::pair<UniqueFd, std::string>> TranscodeCache::create_temp(const std::string& key) {
  std::lock_guard lock(mutex_);
  const std::string path = dir_ + "/tmp/" + key + "." + std::to_string(++temp_counter_);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return make_error(Errc::io_error, "cannot create " + path + ": " + std::strerror(errno));
  return std::make_pair(std::move(fd), path);
}

Status TranscodeCache::commit(const std::string& temp_path, const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    const std::string path = dir_ + "/" + key;
    if (::rename(temp_path.c_str(), path.c_str()) != 0) {
      ::unlink(temp_path.c_str());
      return make_error(Errc::io_error,
                        "cannot move a transcode into the cache: " + std::string(std::strerror(errno)));
    }
  }
  trim();
  return ok_status();
}

// Least recently used first, until the total fits. Files being sent keep
// their data until closed (unlink), so trimming never breaks a stream.
void TranscodeCache::trim() {
  std::lock_guard lock(mutex_);
  struct Entry {
    std::filesystem::path path;
    int64_t used_ns;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    struct stat st {};
    if (!entry.is_regular_file(ec) || ::stat(entry.path().c_str(), &st) != 0) continue;
    entries.push_back({entry.path(), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                       static_cast<uint64_t>(st.st_size)});
    total += static_cast<uint64_t>(st.st_size);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.used_ns != b.used_ns ? a.used_ns < b.used_ns : a.path < b.path;
  });
  for (const Entry& e : entries) {
    if (total <= bytes_max_) break;
    if (std::filesystem::remove(e.path, ec)) total -= e.bytes;
  }
}

bool TranscodeCache::acquire() {
  std::lock_guard lock(mutex_);
  if (running_ >= kRunningMax) return false;
  ++running_;
  return true;
}

void TranscodeCache::release() {
  std::lock_guard lock(mutex_);
  DISPOTIFY_CHECK(running_ > 0);
  --running_;
}

}  // namespace dispotify::media
