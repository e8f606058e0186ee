#include "cli/cluster_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/fs.h"
#include "base/log.h"

namespace dispotify::cli {
namespace {

constexpr int kKeyFileMode = 0600;
constexpr int kKeyDirMode = 0700;

Status make_private_dir(const std::string& dir) {
  DISPOTIFY_TRY(fs::make_dirs(fs::dirname(dir)));
  if (::mkdir(dir.c_str(), kKeyDirMode) != 0 && errno != EEXIST) return fs::errno_error("mkdir", dir, errno);
  // An existing directory made by an older binary or by hand: tighten it.
  if (::chmod(dir.c_str(), kKeyDirMode) != 0) return fs::errno_error("chmod", dir, errno);
  return ok_status();
}

Result<SecretKey> read_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fs::errno_error("stat", path, errno);
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::invalid_argument,
                      path + " is readable by other users: chmod 600 it (and check who read it)");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::string bytes, fs::read_file(path, kSecretKeyBytes + 1));
  auto key = SecretKey::from_bytes(bytes);
  if (!key.ok()) return make_error(Errc::corrupt, path + ": " + key.error().message);
  return key;
}

}  // namespace

std::string cluster_key_path(const std::string& data_dir) { return data_dir + "/cluster/secret.key"; }

Result<SecretKey> load_or_create_cluster_key(const std::string& data_dir) {
  const std::string path = cluster_key_path(data_dir);
  DISPOTIFY_TRY(make_private_dir(fs::dirname(path)));
  auto existing = read_key(path);
  if (existing.ok() || existing.error().code != Errc::not_found) return existing;
  const SecretKey key = SecretKey::generate();
  // A temp file a crash left behind may have any mode: start afresh.
  ::unlink((path + ".tmp").c_str());
  DISPOTIFY_TRY(fs::write_file_atomic(path, key.view(), kKeyFileMode));
  log::info("created the cluster key", {{"path", path}});
  return read_key(path);
}

}  // namespace dispotify::cli
