// Seed corpora made by our own encoders, so they follow the formats as the
// code writes them today. A target given DISPOTIFY_FUZZ_WRITE_SEEDS=DIR in
// its environment writes its seeds into DIR from LLVMFuzzerInitialize and
// exits; fuzz/make_seeds.sh runs every target that way to refresh the
// committed corpora (fuzz/corpus/TARGET/).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace dispotify::fuzz {

// Calls `write(dir)` and exits when seeds were asked for; else returns.
inline void maybe_write_seeds(const std::function<void(const std::string& dir)>& write) {
  const char* dir = std::getenv("DISPOTIFY_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return;
  write(dir);
  std::exit(0);
}

inline void write_seed(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::FILE* f = std::fopen((dir + "/" + name).c_str(), "wb");
  if (f == nullptr) std::abort();
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

}  // namespace dispotify::fuzz
