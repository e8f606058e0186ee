#include "net/url.h"

#include <gtest/gtest.h>

namespace dispotify::net {
namespace {

std::string decoded(std::string_view text, bool plus_as_space = false) {
  auto result = percent_decode(text, plus_as_space);
  EXPECT_TRUE(result.ok()) << text;
  return result.ok() ? result.value() : std::string("<error>");
}

TEST(PercentDecode, DecodesEscapesOfBothCases) {
  EXPECT_EQ(decoded("a%20b"), "a b");
  EXPECT_EQ(decoded("%2f%2F"), "//");
  EXPECT_EQ(decoded("%C3%A9t%C3%A9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(decoded(""), "");
  EXPECT_EQ(decoded("plain"), "plain");
  EXPECT_EQ(decoded("%25"), "%");
}

TEST(PercentDecode, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(decoded("a+b"), "a+b");
  EXPECT_EQ(decoded("a+b", true), "a b");
  EXPECT_EQ(decoded("a%2Bb", true), "a+b");
}

TEST(PercentDecode, RejectsBadEscapesAndNul) {
  for (const char* bad : {"%", "%2", "a%", "%zz", "%2g", "%g2", "%00", "a%00b"}) {
    auto result = percent_decode(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, Errc::invalid_argument);
  }
  EXPECT_FALSE(percent_decode(std::string_view("a\0b", 3)).ok());
}

TEST(ParseQuery, PairsInOrder) {
  auto query = parse_query("b=2&a=1&b=3&empty=&flag&sp=x+y%21");
  ASSERT_TRUE(query.ok());
  const QueryParams expected{{"b", "2"}, {"a", "1"}, {"b", "3"}, {"empty", ""}, {"flag", ""}, {"sp", "x y!"}};
  EXPECT_EQ(query.value(), expected);
}

TEST(ParseQuery, SkipsEmptyPiecesAndKeepsEqualsInValues) {
  auto query = parse_query("&&a=1=2&&");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.value(), (QueryParams{{"a", "1=2"}}));
  EXPECT_TRUE(parse_query("")->empty());
}

TEST(ParseQuery, BadEscapeIsAnError) {
  EXPECT_FALSE(parse_query("a=%zz").ok());
  EXPECT_FALSE(parse_query("%4=1").ok());
}

TEST(PercentEncode, EscapesAllButUnreserved) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b/c?d&e=f+"), "a%20b%2Fc%3Fd%26e%3Df%2B");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(percent_encode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(percent_encode("/music/a b.flac", EncodeSet::path), "/music/a%20b.flac");
}

TEST(PercentEncode, RoundTripsEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(decoded(percent_encode(all)), all);
  EXPECT_EQ(decoded(percent_encode(all), true), all);
}

TEST(BuildQuery, InverseOfParse) {
  const QueryParams params{{"q", "a b&c"}, {"limit", "10"}, {"é", "="}};
  const std::string text = build_query(params);
  EXPECT_EQ(text, "q=a%20b%26c&limit=10&%C3%A9=%3D");
  EXPECT_EQ(parse_query(text).value(), params);
}

}  // namespace
}  // namespace dispotify::net
