#include "media/process_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "media/spawn.h"

namespace dispotify::media {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kReapPollMs = 5;
constexpr int64_t kTimeoutMsMax = 24LL * 3600 * 1000;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1'000'000));
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

Result<std::unique_ptr<ProcessStream>> ProcessStream::start(const ProcessStreamSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/') {
    return make_error(Errc::invalid_argument, "process needs an absolute program path");
  }
  if (spec.timeout_ms <= 0 || spec.timeout_ms > kTimeoutMsMax || spec.cpu_seconds_max < 0) {
    return make_error(Errc::invalid_argument, "process limits out of range");
  }
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    return make_error(Errc::io_error, std::string("pipe: ") + std::strerror(errno));
  UniqueFd out_read(out[0]), out_write(out[1]);
  if (::pipe2(err, O_CLOEXEC) != 0)
    return make_error(Errc::io_error, std::string("pipe: ") + std::strerror(errno));
  UniqueFd err_read(err[0]), err_write(err[1]);
  DISPOTIFY_ASSIGN_OR_RETURN(pid_t pid, spawn_process(spec.argv, out_write.get(), err_write.get()));
  std::unique_ptr<ProcessStream> stream(
      new ProcessStream(pid, std::move(out_read), std::move(err_read),
                        Clock::now() + std::chrono::milliseconds(spec.timeout_ms), spec.stderr_bytes_max));
  if (spec.cpu_seconds_max > 0) {
    const rlimit limit{static_cast<rlim_t>(spec.cpu_seconds_max),
                       static_cast<rlim_t>(spec.cpu_seconds_max + 1)};
    if (::prlimit(pid, RLIMIT_CPU, &limit, nullptr) != 0) {
      return make_error(Errc::io_error,
                        std::string("cannot limit the child's CPU time: ") + std::strerror(errno));
    }
  }
  return stream;
}

ProcessStream::~ProcessStream() { kill_and_reap(); }

void ProcessStream::kill_and_reap() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

void ProcessStream::drain_stderr() {
  char buffer[4096];
  const ssize_t n = ::read(err_.get(), buffer, sizeof buffer);
  if (n <= 0) {
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) err_.reset();
    return;
  }
  const size_t room = stderr_max_ > stderr_.size() ? stderr_max_ - stderr_.size() : 0;
  stderr_.append(buffer, std::min(room, static_cast<size_t>(n)));
}

Result<size_t> ProcessStream::read(std::span<char> buffer) {
  while (out_.valid()) {
    std::array<pollfd, 2> fds = {pollfd{out_.get(), POLLIN, 0},
                                 pollfd{err_.valid() ? err_.get() : -1, POLLIN, 0}};
    const int wait_ms = remaining_ms(deadline_);
    if (wait_ms == 0) {
      kill_and_reap();
      return make_error(Errc::timeout, "the process did not finish in time");
    }
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return make_error(Errc::internal, std::string("poll: ") + std::strerror(errno));
    if (fds[1].revents != 0) drain_stderr();
    if (fds[0].revents == 0) continue;
    const ssize_t n = ::read(out_.get(), buffer.data(), buffer.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return make_error(Errc::io_error, std::string("read from child: ") + std::strerror(errno));
    if (n == 0) {
      out_.reset();
      return size_t{0};
    }
    return static_cast<size_t>(n);
  }
  return size_t{0};
}

Status ProcessStream::finish() {
  while (err_.valid() && remaining_ms(deadline_) > 0) {
    pollfd fd{err_.get(), POLLIN, 0};
    if (::poll(&fd, 1, remaining_ms(deadline_)) > 0) drain_stderr();
  }
  while (!reaped_) {
    const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      break;
    }
    if (r < 0 && errno != EINTR)
      return make_error(Errc::internal, std::string("waitpid: ") + std::strerror(errno));
    if (remaining_ms(deadline_) == 0) {
      kill_and_reap();
      return make_error(Errc::timeout, "the process did not exit in time");
    }
    ::poll(nullptr, 0, kReapPollMs);
  }
  if (WIFEXITED(status_) && WEXITSTATUS(status_) == 0) return ok_status();
  const std::string how = WIFSIGNALED(status_) ? "was killed by signal " + std::to_string(WTERMSIG(status_))
                                               : "exited with code " + std::to_string(WEXITSTATUS(status_));
  return make_error(Errc::io_error, "the process " + how + ": " + first_line(stderr_));
}

}  // namespace dispotify::media
