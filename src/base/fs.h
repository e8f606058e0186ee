// Small durable file-system helpers: errors as values, fsync where a crash
// could otherwise expose a half-written file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dispotify::fs {

// Error for a failed system call, with errno's text; ENOSPC and EDQUOT map
// to Errc::insufficient_storage.
Error errno_error(std::string_view what, const std::string& path, int err);

[[nodiscard]] Status make_dirs(const std::string& path);  // mkdir -p, 0755
[[nodiscard]] Status fsync_dir(const std::string& dir);
// Writes to DIR/.NAME.tmp, fsyncs, renames over PATH, fsyncs DIR.
[[nodiscard]] Status write_file_atomic(const std::string& path, std::string_view content, int mode = 0644);
// Reads a small file whole (at most max_bytes); Errc::not_found when absent.
[[nodiscard]] Result<std::string> read_file(const std::string& path, uint64_t max_bytes);
[[nodiscard]] Result<uint64_t> free_bytes(const std::string& path);
std::string dirname(const std::string& path);
// The names in a directory (not "." and ".."), in no particular order;
// empty if it cannot be read.
std::vector<std::string> list_dir(const std::string& dir);

}  // namespace dispotify::fs
