#include "storage/local_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/fs.h"
#include "base/sha256.h"
#include "base/test_dir.h"

namespace dispotify::storage {
namespace {

std::unique_ptr<LocalBlobStore> open_store(const std::string& root, uint64_t min_free = 0) {
  auto store = LocalBlobStore::open({root, min_free});
  EXPECT_TRUE(store.ok());
  return std::move(store).value();
}

BlobInfo put(BlobStore& store, std::string_view content) {
  auto writer = store.begin_write();
  EXPECT_TRUE(writer.ok());
  // Several writes: the hash must cover the concatenation.
  for (size_t i = 0; i < content.size(); i += 7) {
    EXPECT_TRUE((*writer)->write({content.data() + i, std::min<size_t>(7, content.size() - i)}).ok());
  }
  auto info = (*writer)->commit();
  EXPECT_TRUE(info.ok());
  return info.value();
}

size_t count_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(LocalBlobStore, StoresUnderTheSha256OfTheContent) {
  TestDir dir;
  auto store = open_store(dir.path());
  const std::string content = "hello, blob store";
  const BlobInfo info = put(*store, content);
  EXPECT_EQ(info.hash, sha256_hex(content));
  EXPECT_EQ(info.size_bytes, content.size());
  const std::string path = store->blob_path(info.hash);
  EXPECT_NE(path.find(info.hash), std::string::npos);
  EXPECT_EQ(fs::read_file(path, 1024).value(), content);
  EXPECT_EQ(store->stat(info.hash).value().size_bytes, content.size());
  EXPECT_TRUE(store->open(info.hash).ok());
}

// Past the write-behind interval (8 MiB) pages go to the disk while the
// blob is written; the bytes, their hash and the file must not change.
TEST(LocalBlobStore, ABlobLargerThanTheWriteBehindIntervalIsStoredWhole) {
  TestDir dir;
  auto store = open_store(dir.path());
  std::string content(20 * 1024 * 1024 + 123, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 131 + (i >> 12));
  auto writer = store->begin_write();
  ASSERT_TRUE(writer.ok());
  for (size_t i = 0; i < content.size(); i += 256 * 1024) {
    ASSERT_TRUE(
        (*writer)->write({content.data() + i, std::min<size_t>(256 * 1024, content.size() - i)}).ok());
  }
  auto info = (*writer)->commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->hash, sha256_hex(content));
  EXPECT_EQ(info->size_bytes, content.size());
  EXPECT_EQ(fs::read_file(store->blob_path(info->hash), content.size() + 1).value(), content);
}

TEST(LocalBlobStore, AnInterruptedCopyResumesWhereItStopped) {
  TestDir dir;
  auto store = open_store(dir.path());
  const std::string content(300'000, 'r');
  const std::string hash = sha256_hex(content);
  {
    auto first = store->resume_write(hash, content.size());
    ASSERT_TRUE(first.ok());
    EXPECT_EQ((*first)->bytes_written(), 0U);
    ASSERT_TRUE((*first)->write({content.data(), 120'000}).ok());
  }  // dropped midway: the bytes stay for the next attempt
  EXPECT_FALSE(store->stat(hash).ok()) << "nothing visible before the commit";
  auto second = store->resume_write(hash, content.size());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ((*second)->bytes_written(), 120'000U);
  ASSERT_TRUE((*second)->write({content.data() + 120'000, content.size() - 120'000}).ok());
  auto stored = (*second)->commit(hash);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(fs::read_file(store->blob_path(hash), 1 << 20).value(), content);
  EXPECT_EQ(count_files(store->resume_dir()), 0U);
}

TEST(LocalBlobStore, AResumedCopyWithBadBytesStartsOver) {
  TestDir dir;
  auto store = open_store(dir.path());
  const std::string content(5000, 'g');
  const std::string hash = sha256_hex(content);
  {
    auto first = store->resume_write(hash, content.size());
    ASSERT_TRUE(first.ok());
    const std::string wrong(1000, 'x');  // not what the blob holds
    ASSERT_TRUE((*first)->write(wrong).ok());
  }
  auto second = store->resume_write(hash, content.size());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->write({content.data() + 1000, content.size() - 1000}).ok());
  auto refused = (*second)->commit(hash);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::corrupt);
  auto third = store->resume_write(hash, content.size());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)->bytes_written(), 0U) << "the bad prefix is gone";
  // A leftover longer than the blob is no prefix of it either.
  ASSERT_TRUE((*third)->write(std::string(6000, 'g')).ok());
  third->reset();
  EXPECT_EQ(store->resume_write(hash, content.size()).value()->bytes_written(), 0U);
}

TEST(LocalBlobStore, StaleInterruptedCopiesAreForgotten) {
  TestDir dir;
  auto store = open_store(dir.path());
  const std::string hash = sha256_hex("stale");
  {
    auto w = store->resume_write(hash, 100);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->write(std::string(10, 's')).ok());
  }
  // Ages from the file's own mtime: time(2) and the file system's clock
  // need not agree to the second (CI once saw the copy kept at "61 s").
  int64_t mtime_ms = 0;
  for (const auto& entry : std::filesystem::directory_iterator(store->resume_dir())) {
    struct stat st {};
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    mtime_ms =
        std::max<int64_t>(mtime_ms, int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000);
  }
  ASSERT_GT(mtime_ms, 0);
  store->forget_stale_resumes(60'000, mtime_ms + 59'000);
  EXPECT_EQ(count_files(store->resume_dir()), 1U) << "recent: kept";
  store->forget_stale_resumes(60'000, mtime_ms + 61'000);
  EXPECT_EQ(count_files(store->resume_dir()), 0U);
}

TEST(LocalBlobStore, IdenticalContentIsStoredOnce) {
  TestDir dir;
  auto store = open_store(dir.path());
  const BlobInfo a = put(*store, "same bytes");
  const BlobInfo b = put(*store, "same bytes");
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(count_files(dir.path() + "/sha256"), 1u);
  EXPECT_EQ(count_files(store->temp_dir()), 0u);
}

TEST(LocalBlobStore, UncommittedWriteLeavesNothingVisible) {
  TestDir dir;
  auto store = open_store(dir.path());
  {
    auto writer = store->begin_write();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write({"partial", 7}).ok());
    EXPECT_EQ(count_files(store->temp_dir()), 1u);
  }
  EXPECT_EQ(count_files(store->temp_dir()), 0u);
  EXPECT_EQ(count_files(dir.path() + "/sha256"), 0u);
}

TEST(LocalBlobStore, OpenRemovesTemporaryFilesOfACrash) {
  TestDir dir;
  { auto store = open_store(dir.path()); }
  std::ofstream(dir.path() + "/tmp/abc.partial") << "torn upload";
  auto store = open_store(dir.path());
  EXPECT_EQ(count_files(store->temp_dir()), 0u);
}

TEST(LocalBlobStore, ExpectedHashMismatchIsCorruptAndInvisible) {
  TestDir dir;
  auto store = open_store(dir.path());
  auto writer = store->begin_write();
  ASSERT_TRUE((*writer)->write({"abc", 3}).ok());
  auto result = (*writer)->commit(sha256_hex("abd"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::corrupt);
  EXPECT_EQ(store->stat(sha256_hex("abc")).error().code, Errc::not_found);
}

TEST(LocalBlobStore, MissingAndMalformedHashes) {
  TestDir dir;
  auto store = open_store(dir.path());
  EXPECT_EQ(store->stat(sha256_hex("nothing")).error().code, Errc::not_found);
  EXPECT_EQ(store->open("../../etc/passwd").error().code, Errc::invalid_argument);
  EXPECT_EQ(store->stat("ABCDEF").error().code, Errc::invalid_argument);
  EXPECT_TRUE(store->remove(sha256_hex("nothing")).ok());
}

TEST(LocalBlobStore, RemoveDeletesTheBlob) {
  TestDir dir;
  auto store = open_store(dir.path());
  const BlobInfo info = put(*store, "to delete");
  ASSERT_TRUE(store->remove(info.hash).ok());
  EXPECT_EQ(store->stat(info.hash).error().code, Errc::not_found);
}

// open_shared hands out one cached descriptor per blob; removing the blob
// (as garbage collection and quarantine do) drops it from the cache, so
// the next stream finds the blob gone and the space is not held.
TEST(LocalBlobStore, OpenSharedReusesADescriptorUntilTheBlobIsRemoved) {
  TestDir dir;
  auto store = open_store(dir.path());
  const BlobInfo info = put(*store, "shared bytes");
  auto first = store->open_shared(info.hash);
  auto second = store->open_shared(info.hash);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->get(), second->get());
  const int descriptor = (*first)->get();
  std::string read(12, '\0');
  EXPECT_EQ(::pread(descriptor, read.data(), read.size(), 0), 12);
  EXPECT_EQ(read, "shared bytes");
  ASSERT_TRUE(store->remove(info.hash).ok());
  auto after = store->open_shared(info.hash);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, Errc::not_found);
  // A response still sending from the old descriptor keeps it until done.
  EXPECT_EQ(::pread(descriptor, read.data(), read.size(), 0), 12);
}

TEST(LocalBlobStore, RefusesWritesBelowTheFreeSpaceFloor) {
  TestDir dir;
  // A floor larger than any disk: the first write must be refused.
  auto store = open_store(dir.path(), 1ULL << 62);
  auto writer = store->begin_write();
  ASSERT_TRUE(writer.ok());
  auto status = (*writer)->write({"x", 1});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::insufficient_storage);
}

TEST(LocalBlobStore, TempPathHoldsTheBytesBeforeCommit) {
  TestDir dir;
  auto store = open_store(dir.path());
  auto writer = store->begin_write();
  ASSERT_TRUE((*writer)->write({"probe me", 8}).ok());
  auto path = (*writer)->finish_writing();
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(fs::read_file(*path, 64).value(), "probe me");
  EXPECT_TRUE((*writer)->commit().ok());
}

}  // namespace
}  // namespace dispotify::storage
