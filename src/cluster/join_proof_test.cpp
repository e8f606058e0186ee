#include "cluster/join_proof.h"

#include <gtest/gtest.h>

namespace dispotify::cluster {
namespace {

JoinAsk ask() {
  return JoinAsk{"00000000000000a1", "10.0.0.1:4534", "10.0.0.1:4533", "-----KEY-----", "ab01"};
}
JoinGrant grant() { return JoinGrant{"c1", "-----CA-----", "-----CERT-----", "00ff"}; }

TEST(JoinProof, TheRightTokenProvesAnAskAndAnyChangeBreaksIt) {
  const std::string proof = prove_ask("token-1", ask());
  EXPECT_EQ(proof.size(), 64u);
  EXPECT_TRUE(ask_is_proven("token-1", ask(), proof));
  EXPECT_FALSE(ask_is_proven("token-2", ask(), proof));
  for (std::string JoinAsk::*field : {&JoinAsk::node_id, &JoinAsk::peer_address, &JoinAsk::api_address,
                                      &JoinAsk::public_key_pem, &JoinAsk::nonce}) {
    JoinAsk changed = ask();
    changed.*field += "x";
    EXPECT_FALSE(ask_is_proven("token-1", changed, proof));
  }
  // Moving a byte between fields changes the proof (fields are framed).
  JoinAsk shifted = ask();
  shifted.peer_address = "10.0.0.1:453";
  shifted.api_address = "410.0.0.1:4533";
  EXPECT_FALSE(ask_is_proven("token-1", shifted, proof));
  EXPECT_FALSE(ask_is_proven("token-1", ask(), ""));
  EXPECT_FALSE(ask_is_proven("token-1", ask(), "zz"));
  EXPECT_FALSE(ask_is_proven("token-1", ask(), proof.substr(2)));
}

TEST(JoinProof, AGrantIsBoundToTheAskNonce) {
  const std::string proof = prove_grant("t", "nonce-1", grant());
  EXPECT_TRUE(grant_is_proven("t", "nonce-1", grant(), proof));
  EXPECT_FALSE(grant_is_proven("t", "nonce-2", grant(), proof));
  EXPECT_FALSE(grant_is_proven("u", "nonce-1", grant(), proof));
  JoinGrant changed = grant();
  changed.ca_certificate_pem = "-----OTHER CA-----";
  EXPECT_FALSE(grant_is_proven("t", "nonce-1", changed, proof));
  // An ask's proof is not a grant's.
  EXPECT_NE(prove_ask("t", ask()), prove_grant("t", ask().nonce, grant()));
}

TEST(JoinProof, SealedSecretsOpenOnlyWithTheTokenAndNonce) {
  const std::string sealed = seal_secrets("t", "n1", "the CA key");
  EXPECT_EQ(sealed.find("the CA key"), std::string::npos);
  auto opened = open_secrets("t", "n1", sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "the CA key");
  EXPECT_NE(seal_secrets("t", "n1", "the CA key"), sealed);  // a fresh box nonce each time
  EXPECT_EQ(open_secrets("u", "n1", sealed).error().code, Errc::permission_denied);
  EXPECT_EQ(open_secrets("t", "n2", sealed).error().code, Errc::permission_denied);
  std::string tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(open_secrets("t", "n1", tampered).error().code, Errc::permission_denied);
  EXPECT_EQ(open_secrets("t", "n1", "00").error().code, Errc::permission_denied);
  EXPECT_EQ(open_secrets("t", "n1", "xyz").error().code, Errc::permission_denied);
}

}  // namespace
}  // namespace dispotify::cluster
