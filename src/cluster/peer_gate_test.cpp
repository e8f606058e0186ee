#include "cluster/peer_gate.h"

#include <gtest/gtest.h>

#include "cluster/peer_transport.h"

namespace dispotify::cluster {
namespace {

net::Request request(std::string method, std::string path, std::optional<std::string> cn,
                     std::string serial = "0a") {
  net::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.over_tls = true;
  if (cn) r.peer_certificate = net::PeerCertificate{*cn, serial, "ff"};
  return r;
}

constexpr const char* kNode = "00000000000000a1";

TEST(PeerGate, WithoutACertificateOnlyJoinAndHello) {
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/join", std::nullopt), {}).ok());
  EXPECT_TRUE(admit_peer_request(request("GET", "/peer/v1/hello", std::nullopt), {}).ok());
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/peer/v1/raft"},
                                                        {"GET", "/peer/v1/status"},
                                                        {"POST", "/peer/v1/propose"},
                                                        {"POST", "/peer/v1/remove"},
                                                        {"POST", "/peer/v1/admit"},
                                                        {"PUT", "/peer/v1/blobs"},
                                                        {"GET", "/peer/v1/blobs/abc"},
                                                        {"GET", "/peer/v1/join"},
                                                        {"POST", "/peer/v1/hello"}}) {
    auto refused = admit_peer_request(request(method, path, std::nullopt), {});
    ASSERT_FALSE(refused.ok()) << method << " " << path;
    EXPECT_EQ(refused.error().code, Errc::permission_denied);
  }
}

TEST(PeerGate, ACertificateMustNameANodeNotRevokedThatIsTheSender) {
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode), {}).ok());
  EXPECT_FALSE(admit_peer_request(request("POST", "/peer/v1/raft", "admin"), {}).ok());
  EXPECT_FALSE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0a"), {"0a"}).ok());
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), {"0a"}).ok());
  auto as_other = request("POST", "/peer/v1/raft", kNode);
  as_other.headers.push_back({std::string(kFromHeader), "00000000000000b2"});
  auto refused = admit_peer_request(as_other, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("may not speak for"), std::string::npos);
  auto as_self = request("POST", "/peer/v1/raft", kNode);
  as_self.headers.push_back({std::string(kFromHeader), kNode});
  EXPECT_TRUE(admit_peer_request(as_self, {}).ok());
}

TEST(PeerGate, RevokedSerialsAreRereadAfterTheRefreshPeriod) {
  std::vector<std::string> stored = {"01"};
  int fetches = 0;
  RevokedSerials revoked(
      [&]() -> Result<std::vector<std::string>> {
        ++fetches;
        return stored;
      },
      0);
  EXPECT_EQ(*revoked.current(), std::set<std::string>{"01"});
  stored.push_back("02");
  EXPECT_EQ(*revoked.current(), (std::set<std::string>{"01", "02"}));
  EXPECT_EQ(fetches, 2);
  RevokedSerials cached([&]() -> Result<std::vector<std::string>> { return stored; }, 60'000);
  EXPECT_EQ(cached.current()->size(), 2u);
  stored.push_back("03");
  EXPECT_EQ(cached.current()->size(), 2u);
}

}  // namespace
}  // namespace dispotify::cluster
