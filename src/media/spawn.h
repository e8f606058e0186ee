// Starting a child process without a shell: argv[0] is an absolute path,
// stdin is /dev/null, stdout and stderr go to the given descriptors, every
// other descriptor is closed in the child, signals are reset to their
// defaults, and the environment is fixed (PATH=/usr/bin:/bin, LC_ALL=C).
// Shared by run_subprocess and ProcessStream.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace dispotify::media {

[[nodiscard]] Result<pid_t> spawn_process(const std::vector<std::string>& args, int stdout_fd, int stderr_fd);

}  // namespace dispotify::media
