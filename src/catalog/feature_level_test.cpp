// The cluster level (etcd's cluster version): the minimum over the members,
// raised only when every member answers, never above this binary's level.
#include "catalog/feature_level.h"

#include <gtest/gtest.h>

#include <vector>

namespace dispotify::catalog {
namespace {

using Levels = std::vector<std::optional<int64_t>>;

std::optional<int64_t> next(int64_t committed, const Levels& advertised) {
  return next_cluster_level(committed, advertised);
}

TEST(FeatureLevel, RisesToTheLowestLevelOnceEveryMemberHasIt) {
  EXPECT_EQ(next(1, Levels{2, 2, 2}), 2);
  EXPECT_EQ(next(1, Levels{2}), 2) << "a single node";
}

TEST(FeatureLevel, StaysWhileAnyMemberIsOlderOrUnknown) {
  EXPECT_EQ(next(1, Levels{2, 1, 2}), std::nullopt) << "one old binary left";
  EXPECT_EQ(next(1, Levels{2, std::nullopt, 2}), std::nullopt) << "a member that did not answer may be old";
  EXPECT_EQ(next(1, Levels{}), std::nullopt) << "no members recorded yet";
}

TEST(FeatureLevel, NeverGoesDownNorAboveThisBinary) {
  EXPECT_EQ(next(2, Levels{1, 2, 2}), std::nullopt) << "a lower member does not lower the level";
  EXPECT_EQ(next(2, Levels{2, 2}), std::nullopt) << "already there";
  EXPECT_EQ(next(1, Levels{kFeatureLevelCurrent + 5, kFeatureLevelCurrent + 3}), kFeatureLevelCurrent)
      << "newer members: this leader vouches for what it knows";
  EXPECT_EQ(next(1, Levels{0, 2}), std::nullopt) << "nonsense counts as the baseline";
}

TEST(FeatureLevel, ACommandOfLevelTwoWaitsForTheClusterToReachIt) {
  const Status refused = check_proposable(RenameUser{"u1", "b", {}}, kFeatureLevelBaseline);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::unavailable) << "503: retry once the upgrade is done";
  EXPECT_NE(refused.error().message.find("rename_user needs cluster level 2"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(check_proposable(RenameUser{"u1", "b", {}}, 2).ok());
  EXPECT_TRUE(check_proposable(DeleteTrack{"t1", {}}, kFeatureLevelBaseline).ok()) << "baseline commands";
  // set_cluster_level is what raises the level: it is proposed when every
  // member has 2, while the committed level is still 1.
  EXPECT_TRUE(check_proposable(SetClusterLevel{2, 1}, kFeatureLevelBaseline).ok());
}

TEST(FeatureLevel, ALevelAboveThisBinaryIsNotAppliable) {
  EXPECT_TRUE(check_appliable(SetClusterLevel{kFeatureLevelCurrent, 1}).ok());
  const Status refused = check_appliable(SetClusterLevel{kFeatureLevelCurrent + 1, 1});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_NE(refused.error().message.find("upgrade"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(check_appliable(DeleteTrack{"t1", {}}).ok());
}

}  // namespace
}  // namespace dispotify::catalog
