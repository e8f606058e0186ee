#include "api/track_cache.h"

#include <gtest/gtest.h>

namespace dispotify::api {
namespace {

catalog::Track track(const std::string& id) {
  catalog::Track t;
  t.id = id;
  t.content_hash = "hash-of-" + id;
  t.lyrics = "la la la";
  return t;
}

TEST(TrackCache, HitsOnlyAtTheIndexTheTrackWasReadAt) {
  TrackCache cache;
  cache.insert(7, track("t1"));
  ASSERT_NE(cache.find("t1", 7), nullptr);
  EXPECT_EQ(cache.find("t1", 7)->content_hash, "hash-of-t1");
  EXPECT_EQ(cache.find("t2", 7), nullptr);
  // Any apply (a deletion among them) advances the index: no stale hit.
  EXPECT_EQ(cache.find("t1", 8), nullptr);
}

TEST(TrackCache, ANewerIndexEmptiesTheCacheAndAnOlderOneIsNotKept) {
  TrackCache cache;
  cache.insert(7, track("t1"));
  cache.insert(8, track("t2"));
  EXPECT_EQ(cache.find("t1", 8), nullptr);
  EXPECT_NE(cache.find("t2", 8), nullptr);
  // Read before index 8: may be stale, so not kept, yet returned to its reader.
  EXPECT_EQ(cache.insert(7, track("t3"))->id, "t3");
  EXPECT_EQ(cache.find("t3", 7), nullptr);
  EXPECT_EQ(cache.find("t3", 8), nullptr);
}

TEST(TrackCache, KeepsNoLyrics) {
  TrackCache cache;
  EXPECT_TRUE(cache.insert(1, track("t1"))->lyrics.empty());
  EXPECT_TRUE(cache.find("t1", 1)->lyrics.empty());
}

TEST(TrackCache, StaysBounded) {
  TrackCache cache;
  for (size_t i = 0; i <= TrackCache::kEntriesMax; ++i) cache.insert(1, track("t" + std::to_string(i)));
  // The insert past the bound emptied the cache first.
  EXPECT_EQ(cache.find("t0", 1), nullptr);
  EXPECT_NE(cache.find("t" + std::to_string(TrackCache::kEntriesMax), 1), nullptr);
}

}  // namespace
}  // namespace dispotify::api
