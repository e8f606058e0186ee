#include "base/secret_box.h"

#include <gtest/gtest.h>

namespace dispotify {
namespace {

TEST(SecretBox, SealThenOpen) {
  const SecretKey key = SecretKey::generate();
  auto sealed = seal(key, "app password", "user-1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 12 + kSealOverheadBytes);
  EXPECT_EQ(sealed->find("app password"), std::string::npos);
  auto opened = open_sealed(key, *sealed, "user-1");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "app password");
}

TEST(SecretBox, EachSealHasItsOwnNonce) {
  const SecretKey key = SecretKey::generate();
  EXPECT_NE(*seal(key, "same"), *seal(key, "same"));
}

TEST(SecretBox, WrongKeyTamperingAndOtherOwnerDoNotOpen) {
  const SecretKey key = SecretKey::generate();
  const std::string sealed = *seal(key, "secret", "user-1");
  EXPECT_EQ(open_sealed(SecretKey::generate(), sealed, "user-1").error().code, Errc::corrupt);
  EXPECT_EQ(open_sealed(key, sealed, "user-2").error().code, Errc::corrupt);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_FALSE(open_sealed(key, changed, "user-1").ok()) << "byte " << i;
  }
  EXPECT_FALSE(open_sealed(key, sealed.substr(0, sealed.size() - 1), "user-1").ok());
  EXPECT_FALSE(open_sealed(key, "", "user-1").ok());
  EXPECT_FALSE(open_sealed(key, std::string(kSealOverheadBytes - 1, 'x')).ok());
}

TEST(SecretBox, KeyFromBytesNeedsExactly32) {
  EXPECT_FALSE(SecretKey::from_bytes("short").ok());
  EXPECT_FALSE(SecretKey::from_bytes(std::string(33, 'k')).ok());
  auto key = SecretKey::from_bytes(std::string(32, 'k'));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->view(), std::string(32, 'k'));
  // Same bytes, same key: a box sealed with one opens with the other.
  auto again = SecretKey::from_bytes(std::string(32, 'k'));
  EXPECT_EQ(*open_sealed(*again, *seal(*key, "x")), "x");
}

TEST(SecretBox, EmptySecretAndSizeLimit) {
  const SecretKey key = SecretKey::generate();
  EXPECT_EQ(*open_sealed(key, *seal(key, "")), "");
  EXPECT_FALSE(seal(key, std::string(kSealPlaintextBytesMax + 1, 'x')).ok());
}

}  // namespace
}  // namespace dispotify
