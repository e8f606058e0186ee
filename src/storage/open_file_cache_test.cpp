// OpenFileCache with real descriptors and a clock the test moves.
#include "storage/open_file_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>

namespace dispotify::storage {
namespace {

using namespace std::chrono_literals;
using Clock = OpenFileCache::Clock;

SharedFd open_null() {
  auto fd = std::make_shared<const UniqueFd>(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(fd->valid());
  return fd;
}

TEST(OpenFileCache, FindsWhatWasInsertedUntilItIsTooOld) {
  OpenFileCache cache(8, 10s);
  const Clock::time_point t0{};
  auto fd = open_null();
  cache.insert("a", fd, t0);
  EXPECT_EQ(cache.find("a", t0 + 9s), fd);
  EXPECT_EQ(cache.find("b", t0 + 1s), nullptr);
  EXPECT_EQ(cache.find("a", t0 + 10s), nullptr);
  EXPECT_EQ(cache.size(), 0U);  // the stale entry went with the lookup
}

TEST(OpenFileCache, ForgetDropsTheEntryButNotADescriptorInUse) {
  OpenFileCache cache(8, 10s);
  const Clock::time_point t0{};
  auto fd = open_null();
  const int raw = fd->get();
  cache.insert("a", fd, t0);
  cache.forget("a");
  EXPECT_EQ(cache.find("a", t0), nullptr);
  // The response still sending from it keeps it open.
  EXPECT_EQ(::fcntl(raw, F_GETFD), FD_CLOEXEC);
  fd.reset();
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);  // closed with its last user
}

TEST(OpenFileCache, InsertReplacesAnOlderEntryAndRestartsItsValidity) {
  OpenFileCache cache(8, 10s);
  const Clock::time_point t0{};
  cache.insert("a", open_null(), t0);
  auto newer = open_null();
  cache.insert("a", newer, t0 + 8s);
  EXPECT_EQ(cache.find("a", t0 + 15s), newer);
  EXPECT_EQ(cache.size(), 1U);
}

TEST(OpenFileCache, AFullCacheDropsExpiredEntriesFirst) {
  OpenFileCache cache(4, 10s);
  const Clock::time_point t0{};
  for (int i = 0; i < 4; ++i)
    cache.insert("old" + std::to_string(i), open_null(), t0 + std::chrono::seconds(i));
  // At +12 s the first three are expired: they make the room.
  cache.insert("new", open_null(), t0 + 12s);
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_NE(cache.find("old3", t0 + 12s), nullptr);
  EXPECT_NE(cache.find("new", t0 + 12s), nullptr);
}

TEST(OpenFileCache, AFullCacheOfFreshEntriesDropsTheOlderHalf) {
  OpenFileCache cache(4, 10s);
  const Clock::time_point t0{};
  for (const char* name : {"a", "b", "c", "d"}) {
    cache.insert(name, open_null(), t0 + std::chrono::seconds(name[0] - 'a'));
  }
  cache.insert("e", open_null(), t0 + 4s);
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_EQ(cache.find("a", t0 + 4s), nullptr);
  EXPECT_EQ(cache.find("b", t0 + 4s), nullptr);
  for (const char* name : {"c", "d", "e"}) EXPECT_NE(cache.find(name, t0 + 4s), nullptr) << name;
}

TEST(OpenFileCache, NeverHoldsMoreThanItsCapacity) {
  OpenFileCache cache(3, 10s);
  const Clock::time_point t0{};
  for (int i = 0; i < 50; ++i) {
    cache.insert("n" + std::to_string(i), open_null(), t0);  // all the same instant
    ASSERT_LE(cache.size(), 3U);
  }
  EXPECT_NE(cache.find("n49", t0), nullptr);
}

}  // namespace
}  // namespace dispotify::storage
