#include "api/upload_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace dispotify::api {
namespace {

TEST(UploadLimiter, RefusesBeyondTheUploadsInFlightOfOneUserOnly) {
  UploadLimiter limiter(UploadLimits{.in_flight_per_user_max = 2});
  auto a = limiter.try_begin("alice");
  auto b = limiter.try_begin("alice");
  EXPECT_TRUE(a.held() && b.held());
  EXPECT_FALSE(limiter.try_begin("alice").held());
  EXPECT_TRUE(limiter.try_begin("bob").held());
  EXPECT_EQ(limiter.in_flight("alice"), 2u);
}

TEST(UploadLimiter, AFinishedUploadMakesRoom) {
  UploadLimiter limiter(UploadLimits{.in_flight_per_user_max = 1});
  {
    auto t = limiter.try_begin("alice");
    EXPECT_FALSE(limiter.try_begin("alice").held());
  }
  EXPECT_EQ(limiter.in_flight("alice"), 0u);
  EXPECT_TRUE(limiter.try_begin("alice").held());
}

TEST(UploadLimiter, ZeroMeansNoLimit) {
  UploadLimiter limiter(UploadLimits{.in_flight_per_user_max = 0});
  std::vector<UploadLimiter::Ticket> tickets;
  for (int i = 0; i < 100; ++i) tickets.push_back(limiter.try_begin("alice"));
  EXPECT_TRUE(tickets.back().held());
  EXPECT_EQ(limiter.take_bytes("alice", 1ULL << 40, 0), 0);  // no rate set
}

TEST(UploadLimiter, RateAllowsOneSecondOfBurstThenMakesTheReaderWait) {
  UploadLimiter limiter(UploadLimits{.bytes_per_second_per_user = 1000});
  EXPECT_EQ(limiter.take_bytes("alice", 1000, 10'000), 0);     // the burst
  EXPECT_EQ(limiter.take_bytes("alice", 500, 10'000), 500);    // 500 bytes over: half a second
  EXPECT_EQ(limiter.take_bytes("bob", 1000, 10'000), 0);       // accounts are apart
  EXPECT_EQ(limiter.take_bytes("alice", 0, 10'500), 0);        // paid off at 1000 B/s
  EXPECT_EQ(limiter.take_bytes("alice", 2000, 12'500), 1000);  // idle time refills up to the burst only
}

}  // namespace
}  // namespace dispotify::api
