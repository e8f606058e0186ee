#include "net/resolve.h"

#include <gtest/gtest.h>

namespace dispotify::net {
namespace {

TEST(JoinHostPort, BracketsOnlyIpv6) {
  EXPECT_EQ(join_host_port("10.0.0.7", 4534), "10.0.0.7:4534");
  EXPECT_EQ(join_host_port("fd00::7", 4534), "[fd00::7]:4534");
}

// Literal addresses never touch DNS, so these hold in a sandbox without one.
TEST(ResolveAll, LiteralAddressesGiveThemselves) {
  auto v4 = resolve_all("127.0.0.1", 4534);
  ASSERT_TRUE(v4.ok()) << v4.error().message;
  EXPECT_EQ(*v4, std::vector<std::string>{"127.0.0.1:4534"});
  auto v6 = resolve_all("::1", 80);
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(*v6, std::vector<std::string>{"[::1]:80"});
}

TEST(ResolveAll, AnUnknownNameIsUnavailable) {
  auto none = resolve_all("no-such-host.invalid", 4534);  // .invalid never resolves (RFC 6761)
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace dispotify::net
