#include "media/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>

#include <array>
#include <cstring>

namespace dispotify::media {

Result<pid_t> spawn_process(const std::vector<std::string>& args, int stdout_fd, int stderr_fd) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // A fixed environment: the child must not depend on (or see) ours.
  std::array<char*, 3> envp = {const_cast<char*>("PATH=/usr/bin:/bin"), const_cast<char*>("LC_ALL=C"),
                               nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  if (posix_spawn_file_actions_init(&actions) != 0) return make_error(Errc::io_error, "spawn actions");
  if (posix_spawnattr_init(&attr) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return make_error(Errc::io_error, "spawn attributes");
  }
  // The child starts with default signal dispositions and no blocked
  // signals, whatever this process set (servers often ignore SIGPIPE).
  sigset_t empty_mask;
  sigset_t default_signals;
  sigemptyset(&empty_mask);
  sigfillset(&default_signals);
  int rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty_mask);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &default_signals);
  if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  if (rc == 0) rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return make_error(Errc::io_error, "cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

}  // namespace dispotify::media
