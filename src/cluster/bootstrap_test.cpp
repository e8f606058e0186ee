#include "cluster/bootstrap.h"

#include <gtest/gtest.h>

namespace dispotify::cluster {
namespace {

TEST(IsBootstrapHost, MatchesTheNameOrItsFirstLabel) {
  EXPECT_TRUE(is_bootstrap_host("dispotify-0", "dispotify-0"));
  EXPECT_TRUE(is_bootstrap_host("dispotify-0", "dispotify-0.dispotify-peers.music.svc.cluster.local"));
  EXPECT_FALSE(is_bootstrap_host("dispotify-0", "dispotify-01"));
  EXPECT_FALSE(is_bootstrap_host("dispotify-0", "dispotify-1"));
  EXPECT_FALSE(is_bootstrap_host("dispotify-0", "x.dispotify-0"));
}

TEST(IsBootstrapHost, AnEmptySettingMatchesNothing) {
  EXPECT_FALSE(is_bootstrap_host("", ""));
  EXPECT_FALSE(is_bootstrap_host("", "dispotify-0"));
}

TEST(StatusShowsACluster, OnlyWhenTheConfigurationHasVoters) {
  EXPECT_TRUE(status_shows_a_cluster(R"({"node_id":"a","role":"follower","voters":["0000000000000001"]})"));
  EXPECT_FALSE(status_shows_a_cluster(R"({"node_id":"a","role":"follower","voters":[],"learners":[]})"));
  EXPECT_FALSE(status_shows_a_cluster(R"({"node_id":"a"})"));
  EXPECT_FALSE(status_shows_a_cluster(R"({"voters":"0000000000000001"})"));
  EXPECT_FALSE(status_shows_a_cluster("not json"));
  EXPECT_FALSE(status_shows_a_cluster(R"(["voters"])"));
  EXPECT_FALSE(status_shows_a_cluster(R"({"error":{"code":"unavailable","message":"starting up"}})"));
}

}  // namespace
}  // namespace dispotify::cluster
