#include "base/x509.h"

#include <gtest/gtest.h>

namespace dispotify::x509 {
namespace {

constexpr int64_t kNow = 1'800'000'000;

TEST(X509, CaAndLeafCarryTheirNamesSerialsAndValidity) {
  auto ca_key = generate_key();
  ASSERT_TRUE(ca_key.ok());
  auto ca = self_signed_ca(*ca_key, "cluster abc", kNow, 3650);
  ASSERT_TRUE(ca.ok()) << ca.error().message;
  auto ca_info = inspect(ca->certificate_pem);
  ASSERT_TRUE(ca_info.ok());
  EXPECT_TRUE(ca_info->is_ca);
  EXPECT_EQ(ca_info->common_name, "cluster abc");
  EXPECT_EQ(ca_info->serial_hex, ca->serial_hex);
  EXPECT_EQ(ca_info->not_after_unix, kNow + 3650 * 86400);

  auto node_key = generate_key();
  ASSERT_TRUE(node_key.ok());
  auto leaf = issue(ca->certificate_pem, ca_key->private_key_pem, node_key->public_key_pem,
                    "0123456789abcdef", kNow, 365);
  ASSERT_TRUE(leaf.ok()) << leaf.error().message;
  auto info = inspect(leaf->certificate_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->is_ca);
  EXPECT_EQ(info->common_name, "0123456789abcdef");
  EXPECT_EQ(info->serial_hex, leaf->serial_hex);
  EXPECT_EQ(info->serial_hex.size(), 32u);
  EXPECT_NE(info->serial_hex, ca->serial_hex);
  EXPECT_EQ(info->not_before_unix, kNow - 3600);
  auto certified = certified_public_key(leaf->certificate_pem);
  ASSERT_TRUE(certified.ok());
  EXPECT_EQ(*certified, node_key->public_key_pem);
  auto derived = public_key_of(node_key->private_key_pem);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, node_key->public_key_pem);
}

TEST(X509, SerialsDiffer) {
  auto ca_key = generate_key();
  auto ca = self_signed_ca(*ca_key, "ca", kNow, 10);
  auto key = generate_key();
  auto a = issue(ca->certificate_pem, ca_key->private_key_pem, key->public_key_pem, "n", kNow, 1);
  auto b = issue(ca->certificate_pem, ca_key->private_key_pem, key->public_key_pem, "n", kNow, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->serial_hex, b->serial_hex);
}

TEST(X509, RefusesMismatchedOrMalformedInput) {
  auto ca_key = generate_key();
  auto other_key = generate_key();
  auto ca = self_signed_ca(*ca_key, "ca", kNow, 10);
  ASSERT_TRUE(ca.ok());
  auto wrong_ca_key =
      issue(ca->certificate_pem, other_key->private_key_pem, other_key->public_key_pem, "n", kNow, 1);
  ASSERT_FALSE(wrong_ca_key.ok());
  EXPECT_EQ(wrong_ca_key.error().code, Errc::invalid_argument);
  EXPECT_FALSE(issue(ca->certificate_pem, ca_key->private_key_pem, "garbage", "n", kNow, 1).ok());
  EXPECT_FALSE(issue("garbage", ca_key->private_key_pem, other_key->public_key_pem, "n", kNow, 1).ok());
  EXPECT_FALSE(
      issue(ca->certificate_pem, ca_key->private_key_pem, other_key->public_key_pem, "", kNow, 1).ok());
  EXPECT_FALSE(inspect("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(public_key_of("nope").ok());
}

}  // namespace
}  // namespace dispotify::x509
