// A child process whose stdout is read as it is produced (transcoding):
// started without a shell (spawn.h), with a wall-clock deadline and an
// optional CPU-time limit (RLIMIT_CPU, set on the child right after it
// starts). Its stderr is drained alongside and its first bytes kept for
// error messages.
//
// Not thread-safe: one reader. The destructor kills (SIGKILL) and reaps a
// child that is still running, so an abandoned stream leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace dispotify::media {

struct ProcessStreamSpec {
  std::vector<std::string> argv;  // argv[0]: absolute path
  int64_t timeout_ms = 60'000;    // from start: reads after it fail with Errc::timeout
  int64_t cpu_seconds_max = 0;    // RLIMIT_CPU of the child; 0 = none
  size_t stderr_bytes_max = 4 * 1024;
};

class ProcessStream {
 public:
  [[nodiscard]] static Result<std::unique_ptr<ProcessStream>> start(const ProcessStreamSpec& spec);
  ~ProcessStream();
  ProcessStream(const ProcessStream&) = delete;
  ProcessStream& operator=(const ProcessStream&) = delete;

  // Blocks until stdout has bytes (returns how many), ends (0), or the
  // deadline passes (Errc::timeout; the child is killed).
  [[nodiscard]] Result<size_t> read(std::span<char> buffer);
  // After read() returned 0: waits for the exit. OK only for exit code 0;
  // otherwise Errc::io_error naming the exit code or signal and the first
  // line of stderr.
  [[nodiscard]] Status finish();
  const std::string& stderr_text() const { return stderr_; }

 private:
  ProcessStream(pid_t pid, UniqueFd out, UniqueFd err, std::chrono::steady_clock::time_point deadline,
                size_t stderr_max)
      : pid_(pid), out_(std::move(out)), err_(std::move(err)), deadline_(deadline), stderr_max_(stderr_max) {}
  void kill_and_reap();
  void drain_stderr();

  pid_t pid_;
  UniqueFd out_;
  UniqueFd err_;
  std::chrono::steady_clock::time_point deadline_;
  size_t stderr_max_;
  std::string stderr_;
  int status_ = 0;
  bool reaped_ = false;
};

}  // namespace dispotify::media
