// Invariant checks that stay on in release builds.
//
// A failed check means a bug or corrupted memory: continuing could write
// wrong data to disk or serve wrong bytes, so the process aborts with the
// file, line and condition.
#pragma once

#include <string_view>

namespace dispotify::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* condition, std::string_view message);
}  // namespace dispotify::detail

#define DISPOTIFY_CHECK(cond)                                           \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      ::dispotify::detail::check_failed(__FILE__, __LINE__, #cond, {}); \
    }                                                                   \
  } while (0)

#define DISPOTIFY_CHECK_MSG(cond, msg)                                     \
  do {                                                                     \
    if (!(cond)) [[unlikely]] {                                            \
      ::dispotify::detail::check_failed(__FILE__, __LINE__, #cond, (msg)); \
    }                                                                      \
  } while (0)
