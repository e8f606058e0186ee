#include "cluster/backoff.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace dispotify::cluster {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

TEST(Backoff, CeilingDoublesFromBaseUpToTheCap) {
  Backoff backoff(50, 2000);
  const uint64_t expected[] = {50, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
  for (const uint64_t ceiling : expected) {
    EXPECT_EQ(backoff.ceiling_ms(), ceiling) << "after " << backoff.failures() << " failures";
    // The largest random value lands exactly on the ceiling: the interval is closed.
    EXPECT_EQ(backoff.next_delay_ms(ceiling), ceiling);
  }
  EXPECT_EQ(backoff.failures(), 9u);
}

TEST(Backoff, FullJitterCoversZeroToTheCeiling) {
  Backoff backoff(100, 100);
  EXPECT_EQ(backoff.next_delay_ms(0), 0u);
  EXPECT_EQ(backoff.next_delay_ms(101), 0u);
  EXPECT_EQ(backoff.next_delay_ms(150), 49u);
  std::mt19937_64 rng(7);
  uint64_t low = kMax;
  uint64_t high = 0;
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t delay = backoff.next_delay_ms(rng());
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_LE(high, 100u);
  EXPECT_LE(low, 2u);  // practically certain with 10k draws over 101 values
  EXPECT_GE(high, 98u);
}

TEST(Backoff, ResetStartsOverFromTheBase) {
  Backoff backoff(10, 1000);
  for (int i = 0; i < 5; ++i) (void)backoff.next_delay_ms(0);
  EXPECT_EQ(backoff.ceiling_ms(), 320u);
  backoff.reset();
  EXPECT_EQ(backoff.failures(), 0u);
  EXPECT_EQ(backoff.ceiling_ms(), 10u);
}

TEST(Backoff, SameSeedSameDelays) {
  Backoff a(50, 2000);
  Backoff b(50, 2000);
  std::mt19937_64 rng_a(42);
  std::mt19937_64 rng_b(42);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next_delay_ms(rng_a()), b.next_delay_ms(rng_b()));
}

TEST(Backoff, NeverOverflowsAfterManyFailuresOrWithHugeLimits) {
  Backoff backoff(3, kMax);
  for (int i = 0; i < 200; ++i) {
    const uint64_t ceiling = backoff.ceiling_ms();
    EXPECT_LE(backoff.next_delay_ms(kMax), ceiling);
  }
  EXPECT_EQ(backoff.ceiling_ms(), kMax);
  EXPECT_EQ(backoff.next_delay_ms(kMax), kMax);
  Backoff zero(0, 0);
  EXPECT_EQ(zero.next_delay_ms(12345), 0u);
}

TEST(BackoffDeathTest, BaseAboveCapIsABug) { EXPECT_DEATH(Backoff(10, 5), "above its cap"); }

}  // namespace
}  // namespace dispotify::cluster
