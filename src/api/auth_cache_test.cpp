#include "api/auth_cache.h"

#include <gtest/gtest.h>

namespace dispotify::api {
namespace {

AuthCache::Entry entry(const std::string& user_id) {
  catalog::User user;
  user.id = user_id;
  catalog::Token token;
  token.user_id = user_id;
  return {user, token};
}

TEST(AuthCache, HitsOnlyAtTheIndexTheEntryWasReadAt) {
  AuthCache cache;
  cache.insert("h1", 7, entry("u1"));
  ASSERT_TRUE(cache.find("h1", 7).has_value());
  EXPECT_EQ(cache.find("h1", 7)->first.id, "u1");
  EXPECT_FALSE(cache.find("h2", 7).has_value());
  // Any apply (a revoke, a user deletion) advances the index: no stale hit.
  EXPECT_FALSE(cache.find("h1", 8).has_value());
}

TEST(AuthCache, ANewerIndexEmptiesTheCacheAndAnOlderOneIsNotKept) {
  AuthCache cache;
  cache.insert("h1", 7, entry("u1"));
  cache.insert("h2", 8, entry("u2"));
  EXPECT_FALSE(cache.find("h1", 8).has_value());
  EXPECT_TRUE(cache.find("h2", 8).has_value());
  cache.insert("h3", 7, entry("u3"));  // read before index 8: may be stale
  EXPECT_FALSE(cache.find("h3", 7).has_value());
  EXPECT_FALSE(cache.find("h3", 8).has_value());
}

TEST(AuthCache, StaysBounded) {
  AuthCache cache;
  for (size_t i = 0; i <= AuthCache::kEntriesMax; ++i) cache.insert("h" + std::to_string(i), 1, entry("u"));
  // The insert past the bound emptied the cache first.
  EXPECT_FALSE(cache.find("h0", 1).has_value());
  EXPECT_TRUE(cache.find("h" + std::to_string(AuthCache::kEntriesMax), 1).has_value());
}

}  // namespace
}  // namespace dispotify::api
