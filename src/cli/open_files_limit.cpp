#include "cli/open_files_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace dispotify::cli {

Result<OpenFilesLimit> raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return make_error(Errc::io_error, std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  }
  OpenFilesLimit out{limit.rlim_cur, limit.rlim_cur};
  if (limit.rlim_cur >= limit.rlim_max) return out;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return make_error(Errc::io_error, std::string("setrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  }
  out.now = limit.rlim_cur;
  return out;
}

}  // namespace dispotify::cli
