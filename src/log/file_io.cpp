#include "log/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/fs.h"
#include "base/unique_fd.h"

namespace dispotify::raftlog {

Status write_all_at(int fd, const std::string& path, std::string_view bytes, uint64_t offset) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fs::errno_error("write", path, errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

Result<std::string> read_at(int fd, const std::string& path, uint64_t offset, size_t size) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fs::errno_error("read", path, errno);
    if (n == 0) break;  // end of file
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

Result<std::string> read_whole_file(const std::string& path, uint64_t bytes_max) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fs::errno_error("stat", path, errno);
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > bytes_max) {
    return make_error(Errc::too_large, path + " is larger than " + std::to_string(bytes_max) + " bytes");
  }
  return read_at(fd.get(), path, 0, size);
}

Status sync_data(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return fs::errno_error("fdatasync", path, errno);
  return {};
}

Status sync_all(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return fs::errno_error("fsync", path, errno);
  return {};
}

Result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return fs::errno_error("opendir", dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return fs::errno_error("readdir", dir, err);
  return names;
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fs::errno_error("unlink", path, errno);
  return {};
}

}  // namespace dispotify::raftlog
