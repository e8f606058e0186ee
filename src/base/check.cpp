#include "base/check.h"

#include <cstdio>
#include <cstdlib>

#include "base/result.h"

namespace dispotify {
namespace detail {

void check_failed(const char* file, int line, const char* condition, std::string_view message) {
  std::fprintf(stderr, "FATAL %s:%d: check failed: %s %.*s\n", file, line, condition,
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::unauthenticated: return "unauthenticated";
    case Errc::permission_denied: return "permission_denied";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::too_large: return "too_large";
    case Errc::unsupported_media: return "unsupported_media";
    case Errc::range_not_satisfiable: return "range_not_satisfiable";
    case Errc::insufficient_storage: return "insufficient_storage";
    case Errc::too_many_requests: return "too_many_requests";
    case Errc::unavailable: return "unavailable";
    case Errc::timeout: return "timeout";
    case Errc::corrupt: return "corrupt";
    case Errc::io_error: return "io_error";
    case Errc::internal: return "internal";
  }
  return "internal";
}

Errc errc_from_name(std::string_view name) {
  for (int code = 0; code <= static_cast<int>(Errc::internal); ++code) {
    if (errc_name(static_cast<Errc>(code)) == name) return static_cast<Errc>(code);
  }
  return Errc::internal;
}

}  // namespace dispotify
