// Test-only helpers for media_tests: a temporary directory and fixture
// generation through tools/gen_library.py (which runs ffmpeg).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "media/subprocess.h"

namespace dispotify::media::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "dispotify-media-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) std::abort();
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs tools/gen_library.py OUTDIR --preset PRESET; fails the test on error.
inline void generate_library(const std::string& outdir, const std::string& preset) {
  SubprocessSpec spec;
  spec.argv = {"/usr/bin/python3",
               std::string(DISPOTIFY_SOURCE_DIR) + "/tools/gen_library.py",
               outdir,
               "--preset",
               preset,
               "--quiet"};
  spec.timeout_ms = 120'000;
  spec.stderr_bytes_max = 64 * 1024;
  Result<SubprocessOutput> out = run_subprocess(spec);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->succeeded()) << "gen_library.py " << preset << " failed: " << out->stderr_text;
}

// Runs ffmpeg with `args` (after the common flags); fails the test on error.
inline void run_ffmpeg(std::vector<std::string> args) {
  SubprocessSpec spec;
  spec.argv = {"/usr/bin/ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout_ms = 60'000;
  Result<SubprocessOutput> out = run_subprocess(spec);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->succeeded()) << "ffmpeg failed: " << out->stderr_text;
}

}  // namespace dispotify::media::testing
