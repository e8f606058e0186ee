#include "media/text.h"

#include <gtest/gtest.h>

namespace dispotify::media {
namespace {

TEST(CleanText, TrimsAndKeepsValidUtf8) {
  EXPECT_EQ(clean_text("  Sigur Rós \t", 100), "Sigur Rós");
  EXPECT_EQ(clean_text("\xC2\xA0Motörhead\xE3\x80\x80", 100), "Motörhead");
  EXPECT_EQ(clean_text("", 100), "");
  EXPECT_EQ(clean_text("   ", 100), "");
}

TEST(CleanText, ReplacesInvalidSequences) {
  EXPECT_EQ(clean_text("a\xFF"
                       "b",
                       100),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clean_text("\xC0\xAF", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");                    // overlong '/'
  EXPECT_EQ(clean_text("x\xED\xA0\x80", 100), "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(clean_text("end\xE2\x82", 100), "end\xEF\xBF\xBD\xEF\xBF\xBD");              // cut sequence
}

TEST(CleanText, DropsControlCharactersAndJoinsLines) {
  EXPECT_EQ(clean_text(std::string("a\0b\x1B[31mc", 9), 100), "ab[31mc");
  EXPECT_EQ(clean_text("line one\r\nline two", 100), "line one line two");
  EXPECT_EQ(clean_text("line one\r\nline two\n\n", 100, true), "line one\nline two");
}

TEST(CleanText, CutsOnCharacterBoundary) {
  EXPECT_EQ(clean_text("ééé", 5), "éé");  // 2 bytes each: a third would pass 5
  EXPECT_EQ(clean_text("abcdef", 3), "abc");
  EXPECT_EQ(clean_text(std::string(1 << 20, 'x'), kTagTextBytesMax).size(), kTagTextBytesMax);
}

TEST(ParseNumbers, TrackAndDiscPairs) {
  EXPECT_EQ(parse_number_pair("3").number, 3);
  EXPECT_EQ(parse_number_pair("3").total, 0);
  EXPECT_EQ(parse_number_pair(" 03 / 12 ").number, 3);
  EXPECT_EQ(parse_number_pair(" 03 / 12 ").total, 12);
  EXPECT_EQ(parse_number_pair("/7").total, 7);
  EXPECT_EQ(parse_number_pair("three").number, 0);
  EXPECT_EQ(parse_number_pair("-1/2").number, 0);
  EXPECT_EQ(parse_number_pair("99999999999999999999").number, 0);
  EXPECT_EQ(parse_number_pair("3a/12").number, 0);
}

TEST(ParseNumbers, Year) {
  EXPECT_EQ(parse_year("2019-05-01"), 2019);
  EXPECT_EQ(parse_year("1999"), 1999);
  EXPECT_EQ(parse_year("c. 1987"), 1987);
  EXPECT_EQ(parse_year("20190501"), 0);  // not a year, a longer number
  EXPECT_EQ(parse_year("99"), 0);
  EXPECT_EQ(parse_year(""), 0);
}

TEST(ParseNumbers, ReplayGain) {
  EXPECT_DOUBLE_EQ(parse_gain_db("-6.50 dB").value(), -6.5);
  EXPECT_DOUBLE_EQ(parse_gain_db("+1.25 dB").value(), 1.25);
  EXPECT_DOUBLE_EQ(parse_gain_db(" 3").value(), 3.0);
  EXPECT_FALSE(parse_gain_db("dB").has_value());
  EXPECT_FALSE(parse_gain_db("nan").has_value());
  EXPECT_FALSE(parse_gain_db("inf dB").has_value());
  EXPECT_FALSE(parse_gain_db("1e300").has_value());
  EXPECT_DOUBLE_EQ(parse_peak("0.988547").value(), 0.988547);
  EXPECT_FALSE(parse_peak("-0.5").has_value());
}

}  // namespace
}  // namespace dispotify::media
