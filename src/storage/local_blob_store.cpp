#include "storage/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "base/fs.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"

namespace dispotify::storage {
namespace {

constexpr const char* kTempSuffix = ".partial";
// statvfs is cheap but not free: the free-space floor is re-checked every
// this many bytes written, and once before the first byte.
constexpr uint64_t kFreeSpaceCheckIntervalBytes = 4ULL << 20;

Status check_hash(std::string_view hash) {
  if (!is_sha256_hex(hash)) return make_error(Errc::invalid_argument, "not a sha256 hex digest");
  return {};
}

// Removes every file left in the temp dir by a crashed write.
void clean_temp_dir(const std::string& dir) {
  size_t removed = 0;
  for (const std::string& name : fs::list_dir(dir)) {
    if (::unlink((dir + "/" + name).c_str()) == 0) ++removed;
  }
  if (removed > 0)
    log::info("removed temporary files of interrupted writes", {{"dir", dir}, {"count", removed}});
}

class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(const LocalBlobStore& store, std::string temp_path, UniqueFd fd)
      : store_(store), temp_path_(std::move(temp_path)), fd_(std::move(fd)) {}

  ~LocalBlobWriter() override {
    if (!committed_) ::unlink(temp_path_.c_str());
  }

  Status write(std::span<const char> bytes) override {
    DISPOTIFY_CHECK(!committed_ && !finished_hash_);
    if (bytes_written_ >= next_space_check_) {
      DISPOTIFY_TRY(check_free_space(bytes.size()));
      next_space_check_ = bytes_written_ + kFreeSpaceCheckIntervalBytes;
    }
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fs::errno_error("write", temp_path_, errno);
      done += static_cast<size_t>(n);
    }
    hasher_.update(bytes);
    bytes_written_ += bytes.size();
    synced_ = false;
    return {};
  }

  uint64_t bytes_written() const override { return bytes_written_; }

  Result<std::string> sync_temp_path() override {
    DISPOTIFY_TRY(sync());
    return temp_path_;
  }

  Result<BlobInfo> commit(std::string_view expected_hash) override {
    DISPOTIFY_CHECK(!committed_);
    DISPOTIFY_TRY(sync());
    if (!finished_hash_) finished_hash_ = hasher_.finish_hex();
    const std::string& hash = *finished_hash_;
    if (!expected_hash.empty() && expected_hash != hash) {
      return make_error(Errc::corrupt,
                        "content hash " + hash + " does not match expected " + std::string(expected_hash));
    }
    const std::string final_path = store_.blob_path(hash);
    const std::string dir = fs::dirname(final_path);  // created by open()
    // rename(2) over an existing blob of the same hash replaces identical
    // bytes with identical bytes: dedupe needs no lock.
    if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
      return fs::errno_error("rename", temp_path_, errno);
    }
    committed_ = true;
    // The bytes were hashed as they were written: the file is known good.
    store_.verifier().remember(fd_.get(), hash);
    DISPOTIFY_TRY(fs::fsync_dir(dir));
    return BlobInfo{hash, bytes_written_};
  }

 private:
  Status sync() {
    if (synced_) return {};
    if (::fsync(fd_.get()) != 0) return fs::errno_error("fsync", temp_path_, errno);
    synced_ = true;
    return {};
  }

  Status check_free_space(size_t incoming) const {
    if (store_.options().min_free_bytes == 0) return {};
    DISPOTIFY_ASSIGN_OR_RETURN(const uint64_t free, store_.free_bytes());
    if (free < incoming + store_.options().min_free_bytes) {
      return make_error(Errc::insufficient_storage, "write would leave less than --min-free-disk free (" +
                                                        std::to_string(free) + " bytes free)");
    }
    return {};
  }

  const LocalBlobStore& store_;
  std::string temp_path_;
  UniqueFd fd_;
  Sha256 hasher_;
  std::optional<std::string> finished_hash_;
  uint64_t bytes_written_ = 0;
  uint64_t next_space_check_ = 0;
  bool synced_ = true;
  bool committed_ = false;
};

}  // namespace

Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::open(LocalBlobStoreOptions options) {
  if (options.root.empty()) return make_error(Errc::invalid_argument, "blob store root is empty");
  std::unique_ptr<LocalBlobStore> store(new LocalBlobStore(std::move(options)));
  // All 256 fan-out directories up front: a commit then never mkdirs.
  for (int i = 0; i < 256; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    const char fan_out[3] = {kHex[i >> 4], kHex[i & 0xF], '\0'};
    DISPOTIFY_TRY(fs::make_dirs(store->options_.root + "/sha256/" + fan_out));
  }
  DISPOTIFY_TRY(fs::make_dirs(store->temp_dir()));
  clean_temp_dir(store->temp_dir());
  return store;
}

std::string LocalBlobStore::temp_dir() const { return options_.root + "/tmp"; }

std::string LocalBlobStore::blob_path(std::string_view hash) const {
  DISPOTIFY_CHECK(is_sha256_hex(hash));
  return options_.root + "/sha256/" + std::string(hash.substr(0, 2)) + "/" + std::string(hash);
}

Result<uint64_t> LocalBlobStore::free_bytes() const { return fs::free_bytes(options_.root); }

Result<std::unique_ptr<BlobWriter>> LocalBlobStore::begin_write(std::string_view /*placement_key*/) {
  const std::string path = temp_dir() + "/" + random_hex(12) + kTempSuffix;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  return std::unique_ptr<BlobWriter>(new LocalBlobWriter(*this, path, std::move(fd)));
}

Result<BlobInfo> LocalBlobStore::stat(std::string_view hash) const {
  DISPOTIFY_TRY(check_hash(hash));
  struct stat st {};
  const std::string path = blob_path(hash);
  if (::stat(path.c_str(), &st) != 0) return fs::errno_error("stat", path, errno);
  return BlobInfo{std::string(hash), static_cast<uint64_t>(st.st_size)};
}

Result<UniqueFd> LocalBlobStore::open(std::string_view hash) const {
  DISPOTIFY_TRY(check_hash(hash));
  const std::string path = blob_path(hash);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  return fd;
}

Status LocalBlobStore::remove(std::string_view hash) {
  DISPOTIFY_TRY(check_hash(hash));
  const std::string path = blob_path(hash);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return {};
    return fs::errno_error("unlink", path, errno);
  }
  return fs::fsync_dir(fs::dirname(path));
}

Result<UniqueFd> LocalBlobStore::open_verified(std::string_view hash) {
  DISPOTIFY_ASSIGN_OR_RETURN(UniqueFd fd, open(hash));
  const std::string name(hash);
  if (verifier_.known_good(fd.get(), name)) return fd;
  if (auto checked = verifier_.verify(fd.get(), name); !checked.ok()) {
    if (checked.error().code != Errc::corrupt) return std::move(checked).error();
    quarantine(name, checked.error().message);
    return make_error(Errc::not_found, "the local copy of blob " + name + " was corrupt and is gone");
  }
  return fd;
}

void LocalBlobStore::quarantine(const std::string& hash, const std::string& reason) {
  log::error("corrupt blob copy removed", {{"hash", hash}, {"reason", reason}});
  verifier_.forget(hash);
  if (auto removed = remove(hash); !removed.ok()) {
    log::error("cannot remove corrupt blob copy", {{"hash", hash}, {"error", removed.error().message}});
  }
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(listener_mutex_);
    listener = on_corrupt_;
  }
  if (listener) listener(hash);
}

void LocalBlobStore::set_corruption_listener(std::function<void(const std::string& hash)> listener) {
  std::lock_guard lock(listener_mutex_);
  on_corrupt_ = std::move(listener);
}

Result<std::string> LocalBlobStore::local_path(std::string_view hash) const {
  DISPOTIFY_TRY(stat(hash));
  return blob_path(hash);
}

}  // namespace dispotify::storage
