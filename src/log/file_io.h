// File primitives for the log and snapshot stores: whole writes and reads
// that retry on EINTR and short counts, and syncs, all with errors as values
// naming the path (fs::errno_error).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dispotify::raftlog {

// Writes all of `bytes` at `offset` of `fd`.
[[nodiscard]] Status write_all_at(int fd, const std::string& path, std::string_view bytes, uint64_t offset);
// Reads exactly `size` bytes at `offset`, or fewer if the file ends first.
[[nodiscard]] Result<std::string> read_at(int fd, const std::string& path, uint64_t offset, size_t size);
// The whole file; Errc::too_large beyond bytes_max, Errc::not_found if absent.
[[nodiscard]] Result<std::string> read_whole_file(const std::string& path, uint64_t bytes_max);
// fdatasync: the data and the size, which is what an append needs.
[[nodiscard]] Status sync_data(int fd, const std::string& path);
// fsync: everything, for a truncation or a file about to be renamed.
[[nodiscard]] Status sync_all(int fd, const std::string& path);
// Names in `dir`, without "." and "..".
[[nodiscard]] Result<std::vector<std::string>> list_dir(const std::string& dir);
// unlink(2); a file already gone is success.
[[nodiscard]] Status remove_file(const std::string& path);

}  // namespace dispotify::raftlog
