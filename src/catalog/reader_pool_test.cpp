#include "catalog/reader_pool.h"

#include <gtest/gtest.h>

#include <vector>

#include "catalog/test_util.h"

namespace dispotify::catalog {
namespace {

// A connection returned to the pool is kept, up to its bound, and handed
// out again instead of opening a new one (opening costs far more than the
// query it serves).
TEST(ReaderPool, KeepsUpToItsBoundOfConnectionsForTheNextQueries) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/catalog.db";
  ASSERT_NE(testing::open_catalog(path), nullptr);  // creates the schema
  ReaderPool pool(path, 3);
  std::vector<Db*> first;
  {
    std::vector<ReaderPool::Lease> leases;
    for (int i = 0; i < 5; ++i) {
      auto lease = pool.acquire();
      ASSERT_TRUE(lease.ok()) << lease.error().message;
      first.push_back(&lease->db());
      leases.push_back(std::move(lease).value());
    }
    EXPECT_EQ(pool.idle(), 0U);
  }
  EXPECT_EQ(pool.idle(), 3U);  // two of the five were closed
  auto again = pool.acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_NE(std::find(first.begin(), first.end(), &again->db()), first.end()) << "a kept connection";
  EXPECT_EQ(pool.idle(), 2U);
}

}  // namespace
}  // namespace dispotify::catalog
