#include "net/address_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace dispotify::net {
namespace {

TEST(AddressLimiter, RefusesBeyondTheMaximumPerAddressOnly) {
  AddressLimiter limiter(2);
  auto a1 = limiter.try_acquire("10.0.0.1");
  auto a2 = limiter.try_acquire("10.0.0.1");
  EXPECT_TRUE(a1.held());
  EXPECT_TRUE(a2.held());
  EXPECT_FALSE(limiter.try_acquire("10.0.0.1").held());
  EXPECT_TRUE(limiter.try_acquire("10.0.0.2").held());  // another address is still served
  EXPECT_EQ(limiter.connections("10.0.0.1"), 2u);
}

TEST(AddressLimiter, AClosedConnectionGivesItsPlaceBack) {
  AddressLimiter limiter(1);
  {
    auto slot = limiter.try_acquire("::1");
    EXPECT_FALSE(limiter.try_acquire("::1").held());
  }
  EXPECT_EQ(limiter.connections("::1"), 0u);
  EXPECT_EQ(limiter.addresses(), 0u);  // no entry is kept for an address without connections
  EXPECT_TRUE(limiter.try_acquire("::1").held());
}

TEST(AddressLimiter, MovedSlotsReleaseOnce) {
  AddressLimiter limiter(1);
  auto slot = limiter.try_acquire("a");
  AddressLimiter::Slot other = std::move(slot);
  EXPECT_FALSE(slot.held());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_TRUE(other.held());
  other = limiter.try_acquire("b");  // releases "a" first
  EXPECT_EQ(limiter.connections("a"), 0u);
  EXPECT_EQ(limiter.connections("b"), 1u);
  other.release();
  other.release();
  EXPECT_EQ(limiter.addresses(), 0u);
}

TEST(AddressLimiter, ZeroMeansUnlimited) {
  AddressLimiter limiter(0);
  std::vector<AddressLimiter::Slot> slots;
  for (int i = 0; i < 1000; ++i) slots.push_back(limiter.try_acquire("a"));
  EXPECT_TRUE(slots.back().held());
  EXPECT_EQ(limiter.connections("a"), 1000u);
}

TEST(AddressLimiter, CountsStayExactUnderConcurrency) {
  AddressLimiter limiter(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&limiter] {
      for (int i = 0; i < 2000; ++i) {
        auto slot = limiter.try_acquire("a");
        EXPECT_TRUE(slot.held());  // never more than 8 at once, so never refused
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(limiter.addresses(), 0u);
}

}  // namespace
}  // namespace dispotify::net
