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

TEST(HelloShowsACluster, OnlyWhenItSaysSo) {
  EXPECT_TRUE(hello_shows_a_cluster(R"({"cluster":true})"));
  EXPECT_FALSE(hello_shows_a_cluster(R"({"cluster":false})"));
  EXPECT_FALSE(hello_shows_a_cluster(R"({"cluster":"true"})"));
  EXPECT_FALSE(hello_shows_a_cluster(R"({})"));
  EXPECT_FALSE(hello_shows_a_cluster("not json"));
  EXPECT_FALSE(hello_shows_a_cluster(R"(["cluster"])"));
  EXPECT_FALSE(hello_shows_a_cluster(R"({"error":{"code":"unavailable","message":"starting up"}})"));
}

}  // namespace
}  // namespace dispotify::cluster
