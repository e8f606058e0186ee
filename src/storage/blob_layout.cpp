#include "storage/blob_layout.h"

#include <sys/stat.h>
#include <cerrno>
#include <charconv>

#include "base/fs.h"

namespace dispotify::storage {

Status check_blob_layout(const std::string& root) {
  const std::string path = root + "/VERSION";
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return fs::errno_error("stat", path, errno);
    return fs::write_file_atomic(path, std::to_string(kBlobLayoutVersion) + "\n");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string text, fs::read_file(path, 64));
  int version = 0;
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, version);
  const bool well_formed = parsed.ec == std::errc() && version >= 1 &&
                           (parsed.ptr == end || std::string_view(parsed.ptr, end) == "\n");
  if (!well_formed) return make_error(Errc::corrupt, path + " is not a blob layout version");
  if (version > kBlobLayoutVersion) {
    return make_error(Errc::conflict, path + ": blob layout version " + std::to_string(version) +
                                          " is newer than this binary's (" +
                                          std::to_string(kBlobLayoutVersion) + "): run a newer binary");
  }
  return ok_status();
}

}  // namespace dispotify::storage
