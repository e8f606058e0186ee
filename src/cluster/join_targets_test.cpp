#include "cluster/join_targets.h"

#include <gtest/gtest.h>

#include <map>

namespace dispotify::cluster {
namespace {

// A fake DNS: name -> addresses; an unknown name does not resolve.
struct FakeDns {
  std::map<std::string, std::vector<std::string>> names;
  mutable std::vector<std::string> asked;

  ResolveAllFn fn() const {
    return [this](const std::string& host, uint16_t port) -> Result<std::vector<std::string>> {
      asked.push_back(host);
      auto it = names.find(host);
      if (it == names.end()) return make_error(Errc::unavailable, "resolve " + host + ": not found");
      std::vector<std::string> out;
      for (const std::string& ip : it->second) out.push_back(ip + ":" + std::to_string(port));
      return out;
    };
  }
};

TEST(JoinTargets, ANameOfSeveralMembersGivesEachAddressInOrder) {
  FakeDns dns{{{"peers", {"10.0.0.1", "10.0.0.2", "10.0.0.3"}}}};
  EXPECT_EQ(join_targets({"peers:4534"}, {}, dns.fn()),
            (std::vector<std::string>{"10.0.0.1:4534", "10.0.0.2:4534", "10.0.0.3:4534"}));
}

TEST(JoinTargets, LeavesOutThisNodeAndDuplicates) {
  FakeDns dns{{{"peers", {"10.0.0.1", "10.0.0.2", "10.0.0.3"}}, {"b", {"10.0.0.2"}}}};
  const std::set<std::string> self{"10.0.0.3:4534"};
  EXPECT_EQ(join_targets({"b:4534", "peers:4534"}, self, dns.fn()),
            (std::vector<std::string>{"10.0.0.2:4534", "10.0.0.1:4534"}));
}

TEST(JoinTargets, KeepsWhatDoesNotResolveSoTheErrorNamesIt) {
  FakeDns dns{{{"a", {"10.0.0.1"}}}};
  EXPECT_EQ(join_targets({"gone:4534", "a:4534", "not-an-address"}, {}, dns.fn()),
            (std::vector<std::string>{"gone:4534", "10.0.0.1:4534", "not-an-address"}));
}

TEST(JoinTargets, ResolvesAgainAtEveryRound) {
  FakeDns dns{{{"peers", {"10.0.0.1"}}}};
  EXPECT_EQ(join_targets({"peers:4534"}, {}, dns.fn()), (std::vector<std::string>{"10.0.0.1:4534"}));
  dns.names["peers"] = {"10.0.0.1", "10.0.0.9"};  // a member came up
  EXPECT_EQ(join_targets({"peers:4534"}, {}, dns.fn()),
            (std::vector<std::string>{"10.0.0.1:4534", "10.0.0.9:4534"}));
  EXPECT_EQ(dns.asked.size(), 2u);
}

TEST(JoinTargets, IsBoundedWhateverTheNamesExpandTo) {
  FakeDns dns;
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i)
    many.push_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250));
  dns.names["huge"] = many;
  EXPECT_EQ(join_targets({"huge:4534"}, {}, dns.fn()).size(), kJoinTargetsMax);
}

TEST(SelfAddresses, AreTheAdvertisedAddressAndWhatItResolvesTo) {
  FakeDns dns{{{"node-2.peers", {"10.0.0.2"}}}};
  EXPECT_EQ(self_addresses("node-2.peers:4534", dns.fn()),
            (std::set<std::string>{"node-2.peers:4534", "10.0.0.2:4534"}));
  EXPECT_EQ(self_addresses("unresolvable:4534", dns.fn()), (std::set<std::string>{"unresolvable:4534"}));
  EXPECT_TRUE(self_addresses("no port", dns.fn()).empty());
}

}  // namespace
}  // namespace dispotify::cluster
