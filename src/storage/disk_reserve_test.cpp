#include "storage/disk_reserve.h"

#include <gtest/gtest.h>

namespace dispotify::storage {
namespace {

constexpr uint64_t kMiB = 1ULL << 20;

TEST(DiskReserve, BecomesFullBelowTheReserve) {
  EXPECT_EQ(next_full_state(511 * kMiB, 512 * kMiB, false), std::optional<bool>(true));
  EXPECT_EQ(next_full_state(512 * kMiB, 512 * kMiB, false), std::nullopt);
  EXPECT_EQ(next_full_state(0, 512 * kMiB, true), std::nullopt);
}

TEST(DiskReserve, TakesCopiesAgainOnlyWithAMarginAboveTheReserve) {
  const uint64_t reserve = 512 * kMiB;
  const uint64_t margin = full_hysteresis_bytes(reserve);
  EXPECT_EQ(margin, 64 * kMiB);
  EXPECT_EQ(next_full_state(reserve, reserve, true), std::nullopt);
  EXPECT_EQ(next_full_state(reserve + margin - 1, reserve, true), std::nullopt);
  EXPECT_EQ(next_full_state(reserve + margin, reserve, true), std::optional<bool>(false));
}

TEST(DiskReserve, SmallReservesStillHaveAMargin) {
  EXPECT_EQ(full_hysteresis_bytes(kMiB), kFullHysteresisMinBytes);
  EXPECT_EQ(next_full_state(2 * kMiB, kMiB, true), std::nullopt);
}

TEST(DiskReserve, NoReserveMeansNeverFull) {
  EXPECT_EQ(next_full_state(0, 0, false), std::nullopt);
  EXPECT_EQ(next_full_state(0, 0, true), std::optional<bool>(false));
}

}  // namespace
}  // namespace dispotify::storage
