#include "api/login_limiter.h"

#include <gtest/gtest.h>

namespace dispotify::api {
namespace {

LoginLimits small() {
  LoginLimits l;
  l.pair_attempts = 3;
  l.pair_refill_ms = 1'000;
  l.address_attempts = 5;
  l.address_refill_ms = 500;
  l.user_attempts = 8;
  l.user_refill_ms = 2'000;
  l.keys_max = 1'000;
  return l;
}

TEST(LoginLimiter, AGuesserIsHeldUpAfterAFewFailuresAndFreedOneAttemptAtATime) {
  LoginLimiter limiter(small());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 0), 0) << i;
    limiter.record_failure("ana", "10.0.0.1", 0);
  }
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 0), 1'000);
  EXPECT_EQ(limiter.wait_ms("ANA", "10.0.0.1", 400), 600) << "user names compare without case";
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.2", 400), 0) << "the user still logs in from elsewhere";
  EXPECT_EQ(limiter.wait_ms("bob", "10.0.0.1", 400), 0) << "other users are not held up";
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 1'000), 0);
  limiter.record_failure("ana", "10.0.0.1", 1'000);
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 1'000), 1'000) << "one attempt came back, and was used";
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 10'000), 0) << "all of them come back in time";
}

TEST(LoginLimiter, GuessesSpreadOverAddressesAreBoundedPerUser) {
  LoginLimiter limiter(small());
  for (int i = 0; i < 8; ++i) limiter.record_failure("ana", "10.2.0." + std::to_string(i), 0);
  EXPECT_EQ(limiter.wait_ms("ana", "10.2.0.99", 0), 2'000);
}

TEST(LoginLimiter, AnAddressTryingManyUsersIsHeldUp) {
  LoginLimiter limiter(small());
  for (int i = 0; i < 5; ++i) limiter.record_failure("user" + std::to_string(i), "10.0.0.9", 0);
  EXPECT_EQ(limiter.wait_ms("somebody", "10.0.0.9", 100), 400);
  EXPECT_EQ(limiter.wait_ms("somebody", "10.0.0.8", 100), 0);
}

TEST(LoginLimiter, ASuccessForgetsTheUsersFailures) {
  LoginLimiter limiter(small());
  for (int i = 0; i < 2; ++i) limiter.record_failure("ana", "10.0.0.1", 0);
  limiter.record_success("ana", "10.0.0.1");
  for (int i = 0; i < 2; ++i) limiter.record_failure("ana", "10.0.0.1", 0);
  EXPECT_EQ(limiter.wait_ms("ana", "10.0.0.1", 0), 0) << "two and two, not four in a row";
}

TEST(LoginLimiter, MemoryStaysBounded) {
  LoginLimits limits = small();
  limits.keys_max = 100;
  LoginLimiter limiter(limits);
  for (int i = 0; i < 10'000; ++i) {
    limiter.record_failure("user" + std::to_string(i), "10.1." + std::to_string(i), i);
    ASSERT_LE(limiter.keys(), 100U);
  }
  // The most recent ones are still counted.
  for (int i = 0; i < 3; ++i) limiter.record_failure("user9999", "10.1.9999", 10'000);
  EXPECT_GT(limiter.wait_ms("user9999", "10.1.9999", 10'000), 0);
}

TEST(LoginLimiter, AddressesLoseTheirPort) {
  EXPECT_EQ(address_without_port("203.0.113.7:5123"), "203.0.113.7");
  EXPECT_EQ(address_without_port("[2001:db8::1]:443"), "2001:db8::1");
  EXPECT_EQ(address_without_port("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(address_without_port("host"), "host");
}

}  // namespace
}  // namespace dispotify::api
