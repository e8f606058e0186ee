#include "base/hex.h"

#include <gtest/gtest.h>

namespace dispotify {
namespace {

TEST(Hex, RoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string text = to_hex(all);
  EXPECT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 6), "000102");
  EXPECT_EQ(text.substr(text.size() - 4), "feff");
  EXPECT_EQ(from_hex(text), all);
}

TEST(Hex, DecodesEitherCaseAndRefusesWhatIsNotHex) {
  EXPECT_EQ(from_hex("0aFf"), std::string("\x0a\xff", 2));
  EXPECT_EQ(from_hex(""), std::string());
  EXPECT_EQ(from_hex("abc"), std::nullopt);
  EXPECT_EQ(from_hex("zz"), std::nullopt);
  EXPECT_EQ(from_hex("0g"), std::nullopt);
  EXPECT_EQ(from_hex(" 0"), std::nullopt);
}

TEST(Hex, ByteIsTwoLowerCaseDigits) {
  EXPECT_EQ(hex_byte(0), "00");
  EXPECT_EQ(hex_byte(0xab), "ab");
  const unsigned char bytes[] = {0xde, 0xad};
  EXPECT_EQ(to_hex(std::span<const unsigned char>(bytes)), "dead");
}

}  // namespace
}  // namespace dispotify
