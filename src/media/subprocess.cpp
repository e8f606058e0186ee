#include "media/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/unique_fd.h"
#include "media/spawn.h"

namespace dispotify::media {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunkBytes = 64 * 1024;
// While waiting for an exit after the pipes closed, how often to look.
constexpr int kReapPollMs = 5;
constexpr int64_t kTimeoutMsMax = 24LL * 3600 * 1000;

Error os_error(Errc code, const std::string& what, int err) {
  return make_error(code, what + ": " + std::strerror(err));
}

// Owns a started child: kills and reaps it unless it was reaped already, so
// no early return leaves a running process or a zombie behind.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // True once exited (status stored); false while still running.
  Result<bool> try_reap(int& status) {
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return true;
      }
      if (r == 0) return false;
      if (errno != EINTR) return os_error(Errc::internal, "waitpid", errno);
    }
  }

 private:
  pid_t pid_;
};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1'000'000));
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return os_error(Errc::io_error, "pipe", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Appends what is readable on `fd` to `out` up to `keep_max` bytes (the rest
// is read and dropped). Returns false at end of file.
Result<bool> drain(UniqueFd& fd, std::string& out, size_t keep_max,
                   std::array<char, kReadChunkBytes>& buffer) {
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n < 0) return os_error(Errc::io_error, "read from child", errno);
    if (n == 0) {
      fd.reset();
      return false;
    }
    const size_t room = keep_max > out.size() ? keep_max - out.size() : 0;
    out.append(buffer.data(), std::min(room, static_cast<size_t>(n)));
    return true;
  }
}

}  // namespace

Result<SubprocessOutput> run_subprocess(const SubprocessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/') {
    return make_error(Errc::invalid_argument, "subprocess needs an absolute program path");
  }
  if (spec.timeout_ms <= 0 || spec.timeout_ms > kTimeoutMsMax) {
    return make_error(Errc::invalid_argument, "subprocess timeout out of range");
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(spec.timeout_ms);
  DISPOTIFY_ASSIGN_OR_RETURN(Pipe out, make_pipe());
  DISPOTIFY_ASSIGN_OR_RETURN(Pipe err, make_pipe());
  DISPOTIFY_ASSIGN_OR_RETURN(const pid_t pid,
                             spawn_process(spec.argv, out.write_end.get(), err.write_end.get()));
  Child child(pid);
  // Our copies of the write ends must go, or we would never see end of file.
  out.write_end.reset();
  err.write_end.reset();

  SubprocessOutput result;
  std::array<char, kReadChunkBytes> buffer;
  // One byte over the cap tells "exactly at the cap" from "over it".
  const size_t stdout_keep = spec.stdout_bytes_max + 1;
  while (out.read_end.valid() || err.read_end.valid()) {
    std::array<pollfd, 2> fds = {pollfd{out.read_end.get(), POLLIN, 0},
                                 pollfd{err.read_end.get(), POLLIN, 0}};
    const int wait_ms = remaining_ms(deadline);
    if (wait_ms == 0) return make_error(Errc::timeout, spec.argv[0] + " did not finish in time");
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);  // negative fds are ignored
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return os_error(Errc::internal, "poll", errno);
    if (fds[0].revents != 0) {
      DISPOTIFY_TRY(drain(out.read_end, result.stdout_bytes, stdout_keep, buffer));
      if (result.stdout_bytes.size() > spec.stdout_bytes_max) {
        return make_error(Errc::too_large, spec.argv[0] + " wrote more than " +
                                               std::to_string(spec.stdout_bytes_max) + " bytes");
      }
    }
    if (fds[1].revents != 0)
      DISPOTIFY_TRY(drain(err.read_end, result.stderr_text, spec.stderr_bytes_max, buffer));
  }

  int status = 0;
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const bool exited, child.try_reap(status));
    if (exited) break;
    if (remaining_ms(deadline) == 0) return make_error(Errc::timeout, spec.argv[0] + " did not exit in time");
    ::poll(nullptr, 0, kReapPollMs);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace dispotify::media
