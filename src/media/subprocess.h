// Runs a program with an argument vector (no shell, no PATH lookup), stdin
// from /dev/null, and collects its stdout and a bounded part of its stderr
// under a deadline and a size cap. Used for ffmpeg (thumbnails, later
// transcoding).
//
// Thread-safe: the pipes are close-on-exec and the child closes every other
// descriptor it inherited, so concurrent calls (and other threads' sockets)
// do not leak into each other's children.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace dispotify::media {

struct SubprocessSpec {
  std::vector<std::string> argv;  // argv[0]: absolute path of the program
  int64_t timeout_ms = 10'000;    // from start to exit, for the whole run
  size_t stdout_bytes_max = 8 * 1024 * 1024;
  size_t stderr_bytes_max = 4 * 1024;  // the rest of stderr is read and dropped
};

struct SubprocessOutput {
  int exit_code = -1;   // valid when term_signal == 0
  int term_signal = 0;  // the signal that ended the child, else 0
  std::string stdout_bytes;
  std::string stderr_text;

  bool succeeded() const { return term_signal == 0 && exit_code == 0; }
};

// A non-zero exit is not an error here: the caller decides what it means.
// Errors: invalid_argument (empty argv, relative program path, bad limits),
// io_error (pipes or the program could not be started), timeout (killed
// with SIGKILL at the deadline), too_large (stdout passed its cap; killed).
// The child is always reaped before returning.
[[nodiscard]] Result<SubprocessOutput> run_subprocess(const SubprocessSpec& spec);

}  // namespace dispotify::media
