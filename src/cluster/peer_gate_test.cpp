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
constexpr const char* kSelf = "00000000000000b2";

TEST(PeerGate, WithoutACertificateOnlyJoinAndHello) {
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/join", std::nullopt), {}).ok());
  EXPECT_TRUE(admit_peer_request(request("GET", "/peer/v1/hello", std::nullopt), {}).ok());
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/peer/v1/raft"},
                                                        {"GET", "/peer/v1/status"},
                                                        {"POST", "/peer/v1/propose"},
                                                        {"POST", "/peer/v1/propose-batch"},
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

// Records of a cluster this node (kSelf) is a member of, with kNode's
// current certificate "0a".
CertificateRecords records(std::set<std::string> revoked = {}) {
  CertificateRecords r;
  r.enforced = true;
  r.members[kSelf] = {"01", ""};
  r.members[kNode] = {"0a", ""};
  r.revoked = std::move(revoked);
  return r;
}

TEST(PeerGate, ACertificateMustNameANodeNotRevokedThatIsTheSender) {
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode), records()).ok());
  EXPECT_FALSE(admit_peer_request(request("POST", "/peer/v1/raft", "admin"), records()).ok());
  EXPECT_FALSE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0a"), records({"0a"})).ok());
  auto as_other = request("POST", "/peer/v1/raft", kNode);
  as_other.headers.push_back({std::string(kFromHeader), std::string(kSelf)});
  auto refused = admit_peer_request(as_other, records());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("may not speak for"), std::string::npos);
  auto as_self = request("POST", "/peer/v1/raft", kNode);
  as_self.headers.push_back({std::string(kFromHeader), kNode});
  EXPECT_TRUE(admit_peer_request(as_self, records()).ok());
}

TEST(PeerGate, OnlyTheCertificatesTheMemberListRecordsAreAccepted) {
  // Minted with the CA key for a member's id, or for an id that is no member.
  auto minted = admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), records());
  ASSERT_FALSE(minted.ok());
  EXPECT_NE(minted.error().message.find("not the one recorded"), std::string::npos);
  auto stranger = admit_peer_request(request("POST", "/peer/v1/raft", "00000000000000c3", "0c"), records());
  ASSERT_FALSE(stranger.ok());
  EXPECT_NE(stranger.error().message.find("not a member"), std::string::npos);
  // While it renews, the next one is accepted beside the current one.
  CertificateRecords renewing = records();
  renewing.members[kNode].next = "0b";
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), renewing).ok());
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0a"), renewing).ok());
  // A member recorded before certificates were (schema v8): any of its name.
  CertificateRecords legacy = records();
  legacy.members[kNode].current = "";
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), legacy).ok());
  // A node not yet in its own member list (still catching up after its join)
  // cannot tell; only revocations apply.
  CertificateRecords joining;
  EXPECT_TRUE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), joining).ok());
  joining.revoked = {"0b"};
  EXPECT_FALSE(admit_peer_request(request("POST", "/peer/v1/raft", kNode, "0b"), joining).ok());
}

TEST(PeerGate, RecordsComeFromTheMemberListAndAreEnforcedOnceThisNodeIsInIt) {
  std::vector<catalog::Member> members(2);
  members[0].node_id = kNode;
  members[0].certificate_serial = "0a";
  members[0].next_certificate_serial = "0b";
  members[1].node_id = "00000000000000c3";
  EXPECT_FALSE(records_from(members, {}, std::string(kSelf)).enforced);
  members[1].node_id = kSelf;
  const CertificateRecords r = records_from(members, {"09"}, std::string(kSelf));
  EXPECT_TRUE(r.enforced);
  EXPECT_EQ(r.members.at(kNode).current, "0a");
  EXPECT_EQ(r.members.at(kNode).next, "0b");
  EXPECT_EQ(r.revoked, std::set<std::string>{"09"});
}

TEST(PeerGate, RecordsAreReadAgainOnlyWhenTheCatalogHasAppliedSomething) {
  CertificateRecords stored = records();
  uint64_t applied = 1;
  int fetches = 0;
  RecordedCertificates cached(
      [&]() -> Result<CertificateRecords> {
        ++fetches;
        return stored;
      },
      [&] { return applied; }, 60'000);
  EXPECT_TRUE(cached.admit(net::PeerCertificate{kNode, "0a", ""}).ok());
  EXPECT_EQ(fetches, 1);
  // Refused, and nothing applied since: no read.
  EXPECT_FALSE(cached.admit(net::PeerCertificate{kNode, "0b", ""}).ok());
  EXPECT_EQ(fetches, 1);
  // A renewal's next certificate, applied: the refused one is read again at once.
  stored.members[kNode].next = "0b";
  ++applied;
  EXPECT_TRUE(cached.admit(net::PeerCertificate{kNode, "0b", ""}).ok());
  EXPECT_EQ(fetches, 2);
  // An accepted certificate waits for the refresh period: a revocation
  // shows after it (here never, the period being a minute)...
  stored.revoked = {"0a"};
  ++applied;
  EXPECT_TRUE(cached.admit(net::PeerCertificate{kNode, "0a", ""}).ok());
  EXPECT_EQ(fetches, 2);
  // ...and at once with a period of 0.
  RecordedCertificates fresh([&]() -> Result<CertificateRecords> { return stored; }, [&] { return applied; },
                             0);
  EXPECT_FALSE(fresh.admit(net::PeerCertificate{kNode, "0a", ""}).ok());
}

}  // namespace
}  // namespace dispotify::cluster
