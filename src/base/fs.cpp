#include "base/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace dispotify::fs {

Error errno_error(std::string_view what, const std::string& path, int err) {
  const Errc code = (err == ENOSPC || err == EDQUOT) ? Errc::insufficient_storage
                    : err == ENOENT                  ? Errc::not_found
                                                     : Errc::io_error;
  return make_error(code, std::string(what) + " " + path + ": " + std::strerror(err));
}

Status make_dirs(const std::string& path) {
  if (path.empty()) return make_error(Errc::invalid_argument, "empty directory path");
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return errno_error("mkdir", prefix, errno);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_error("stat", path, errno);
  if (!S_ISDIR(st.st_mode)) return make_error(Errc::io_error, path + " exists and is not a directory");
  return {};
}

Status fsync_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno_error("open", dir, errno);
  if (::fsync(fd.get()) != 0) return errno_error("fsync", dir, errno);
  return {};
}

std::string dirname(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status write_file_atomic(const std::string& path, std::string_view content, int mode) {
  const std::string dir = dirname(path);
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return errno_error("open", tmp, errno);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return errno_error("write", tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("fsync", tmp, err);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("rename", tmp, err);
  }
  return fsync_dir(dir);
}

Result<std::string> read_file(const std::string& path, uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno_error("open", path, errno);
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("read", path, errno);
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return make_error(Errc::too_large, path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<uint64_t> free_bytes(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return errno_error("statvfs", path, errno);
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* entry = ::readdir(d)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  return names;
}

}  // namespace dispotify::fs
