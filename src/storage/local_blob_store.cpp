#include "storage/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include "base/fs.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "storage/blob_layout.h"

namespace dispotify::storage {
namespace {

constexpr const char* kTempSuffix = ".partial";
// statvfs is cheap but not free: the free-space floor is re-checked every
// this many bytes written, and once before the first byte.
constexpr uint64_t kFreeSpaceCheckIntervalBytes = 4ULL << 20;
// A durable blob's dirty pages are handed to the disk every this many bytes
// while it is written (sync_file_range, which only starts the writeback), so
// the disk works while the bytes still arrive and the fsync at commit waits
// for the tail alone, not the whole file (docs/BENCHMARKS.md section 6).
// Durability still comes from that fsync only.
constexpr uint64_t kWriteBehindBytes = 8ULL << 20;

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
  LocalBlobWriter(const LocalBlobStore& store, std::string temp_path, UniqueFd fd, bool keep_reserve)
      : store_(store), temp_path_(std::move(temp_path)), fd_(std::move(fd)), keep_reserve_(keep_reserve) {}

  // Continues the resumable copy in `fd`, whose first `size` bytes (already
  // fed to `hasher`) are kept; the file stays when the writer is dropped.
  LocalBlobWriter(const LocalBlobStore& store, std::string path, UniqueFd fd, Sha256 hasher, uint64_t size)
      : store_(store),
        temp_path_(std::move(path)),
        fd_(std::move(fd)),
        hasher_(std::move(hasher)),
        bytes_written_(size),
        next_space_check_(size),
        written_back_(size),
        keep_reserve_(true),
        resumable_(true) {}

  ~LocalBlobWriter() override {
    if (!committed_ && !resumable_) ::unlink(temp_path_.c_str());
  }

  Status write(std::span<const char> bytes) override {
    DISPOTIFY_CHECK(!committed_ && !finished_hash_ && !writing_done_);
    if (keep_reserve_ && bytes_written_ >= next_space_check_) {
      DISPOTIFY_TRY(store_.has_room(bytes.size()));
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
    if (keep_reserve_ && bytes_written_ - written_back_ >= kWriteBehindBytes) start_writeback();
    return {};
  }

  uint64_t bytes_written() const override { return bytes_written_; }

  Result<std::string> finish_writing() override {
    writing_done_ = true;
    return temp_path_;  // the page cache serves reads; commit() fsyncs
  }

  Result<BlobInfo> commit(std::string_view expected_hash) override {
    DISPOTIFY_CHECK(!committed_);
    DISPOTIFY_TRY(sync());
    if (!finished_hash_) finished_hash_ = hasher_.finish_hex();
    const std::string& hash = *finished_hash_;
    if (!expected_hash.empty() && expected_hash != hash) {
      ::unlink(temp_path_.c_str());  // a resumed copy starts over
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
  // Best effort: a failure here shows again, and counts, at fsync.
  void start_writeback() {
    (void)::sync_file_range(fd_.get(), static_cast<off_t>(written_back_),
                            static_cast<off_t>(bytes_written_ - written_back_), SYNC_FILE_RANGE_WRITE);
    written_back_ = bytes_written_;
  }

  Status sync() {
    if (synced_) return {};
    if (::fsync(fd_.get()) != 0) return fs::errno_error("fsync", temp_path_, errno);
    synced_ = true;
    return {};
  }

  const LocalBlobStore& store_;
  std::string temp_path_;
  UniqueFd fd_;
  Sha256 hasher_;
  std::optional<std::string> finished_hash_;
  uint64_t bytes_written_ = 0;
  uint64_t next_space_check_ = 0;
  uint64_t written_back_ = 0;  // bytes before this offset were handed to the disk
  bool synced_ = true;
  bool committed_ = false;
  bool writing_done_ = false;
  const bool keep_reserve_;
  const bool resumable_ = false;
};

}  // namespace

Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::open(LocalBlobStoreOptions options) {
  if (options.root.empty()) return make_error(Errc::invalid_argument, "blob store root is empty");
  std::unique_ptr<LocalBlobStore> store(new LocalBlobStore(std::move(options)));
  DISPOTIFY_TRY(fs::make_dirs(store->options_.root));
  DISPOTIFY_TRY(check_blob_layout(store->options_.root));
  // All 256 fan-out directories up front: a commit then never mkdirs.
  for (int i = 0; i < 256; ++i) {
    DISPOTIFY_TRY(fs::make_dirs(store->options_.root + "/sha256/" + hex_byte(static_cast<uint8_t>(i))));
  }
  DISPOTIFY_TRY(fs::make_dirs(store->temp_dir()));
  DISPOTIFY_TRY(fs::make_dirs(store->resume_dir()));
  clean_temp_dir(store->temp_dir());
  return store;
}

std::string LocalBlobStore::temp_dir() const { return options_.root + "/tmp"; }

std::string LocalBlobStore::blob_path(std::string_view hash) const {
  DISPOTIFY_CHECK(is_sha256_hex(hash));
  return options_.root + "/sha256/" + std::string(hash.substr(0, 2)) + "/" + std::string(hash);
}

Result<uint64_t> LocalBlobStore::free_bytes() const { return fs::free_bytes(options_.root); }

Status LocalBlobStore::has_room(uint64_t incoming) const {
  if (options_.min_free_bytes == 0) return {};
  DISPOTIFY_ASSIGN_OR_RETURN(const uint64_t free, free_bytes());
  if (free < incoming + options_.min_free_bytes) {
    return make_error(Errc::insufficient_storage, "write would leave less than --min-free-disk free (" +
                                                      std::to_string(free) + " bytes free)");
  }
  return {};
}

Result<std::unique_ptr<BlobWriter>> LocalBlobStore::begin_write(std::string_view /*placement_key*/) {
  return begin_writer(true);
}

Result<std::unique_ptr<BlobWriter>> LocalBlobStore::begin_scratch_write() { return begin_writer(false); }

std::string LocalBlobStore::resume_dir() const { return options_.root + "/resume"; }

Result<std::unique_ptr<BlobWriter>> LocalBlobStore::resume_write(std::string_view hash, uint64_t size_bytes) {
  DISPOTIFY_TRY(check_hash(hash));
  const std::string path = resume_dir() + "/" + std::string(hash);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fs::errno_error("stat", path, errno);
  uint64_t kept = static_cast<uint64_t>(st.st_size);
  if (kept > size_bytes) {  // not a prefix of this blob
    if (::ftruncate(fd.get(), 0) != 0) return fs::errno_error("truncate", path, errno);
    kept = 0;
  }
  // The kept bytes are hashed again: the blob's hash covers every byte, and
  // a local read is much cheaper than fetching them again.
  Sha256 hasher;
  std::vector<char> buffer(256 * 1024);
  for (uint64_t at = 0; at < kept;) {
    const ssize_t n = ::pread(fd.get(), buffer.data(), std::min<uint64_t>(buffer.size(), kept - at),
                              static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fs::errno_error("read", path, n < 0 ? errno : EIO);
    hasher.update({buffer.data(), static_cast<size_t>(n)});
    at += static_cast<uint64_t>(n);
  }
  if (::lseek(fd.get(), static_cast<off_t>(kept), SEEK_SET) < 0) return fs::errno_error("seek", path, errno);
  return std::unique_ptr<BlobWriter>(
      new LocalBlobWriter(*this, path, std::move(fd), std::move(hasher), kept));
}

void LocalBlobStore::forget_stale_resumes(int64_t older_than_ms, int64_t now_ms) {
  for (const std::string& name : fs::list_dir(resume_dir())) {
    const std::string path = resume_dir() + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    const int64_t mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    if (now_ms - mtime_ms >= older_than_ms) ::unlink(path.c_str());
  }
}

Result<std::unique_ptr<BlobWriter>> LocalBlobStore::begin_writer(bool keep_reserve) {
  const std::string path = temp_dir() + "/" + random_hex(12) + kTempSuffix;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  return std::unique_ptr<BlobWriter>(new LocalBlobWriter(*this, path, std::move(fd), keep_reserve));
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

Result<SharedFd> LocalBlobStore::open_shared(std::string_view hash) const {
  const auto now = OpenFileCache::Clock::now();
  if (auto cached = open_files_.find(hash, now)) return cached;
  DISPOTIFY_ASSIGN_OR_RETURN(UniqueFd fd, open(hash));
  auto shared = std::make_shared<const UniqueFd>(std::move(fd));
  open_files_.insert(hash, shared, now);
  return shared;
}

Status LocalBlobStore::remove(std::string_view hash) {
  DISPOTIFY_TRY(check_hash(hash));
  const std::string path = blob_path(hash);
  // Before the unlink, so that a stream starting later opens the path
  // again (and finds nothing); the space is freed once the streams under
  // way end. One that opened the path just before the unlink may cache it
  // again: the open file's right bytes are then served for at most the
  // cache's validity.
  open_files_.forget(hash);
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
