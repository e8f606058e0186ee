// A private directory under /tmp for a fuzz target's files, removed when
// the fuzzer exits (libFuzzer ends with exit() after -max_total_time or
// -runs; a crash leaves it, with the input, for the post-mortem).
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "base/check.h"

namespace dispotify::fuzz {

// `prefix`: the directory's name up to the random part, e.g. "/tmp/dispotify-fuzz-http-".
inline std::string make_temp_dir(const std::string& prefix) {
  static std::string made;  // one per fuzzer process
  DISPOTIFY_CHECK(made.empty());
  std::string templ = prefix + "XXXXXX";
  DISPOTIFY_CHECK(::mkdtemp(templ.data()) != nullptr);
  made = templ;
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(made, ignored);
  });
  return made;
}

}  // namespace dispotify::fuzz
