// Pure parts of the Subsonic API: the XML form of payloads, error codes,
// lyrics parsing, the token hash and enc: passwords.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/subsonic/auth.h"
#include "api/subsonic/lyrics.h"
#include "api/subsonic/response.h"

namespace dispotify::api::subsonic {
namespace {

TEST(SubsonicXml, ScalarsAreAttributesObjectsAndArraysAreChildrenValueIsText) {
  boost::json::object genres{
      {"genre", boost::json::array{boost::json::object{{"songCount", 2}, {"value", "Rock & <Roll>"}},
                                   boost::json::object{{"songCount", 1}, {"value", "Jazz"}}}}};
  EXPECT_EQ(
      to_xml("genres", genres),
      "<genres><genre songCount=\"2\">Rock &amp; &lt;Roll&gt;</genre><genre songCount=\"1\">Jazz</genre>"
      "</genres>");
  boost::json::object ext{{"name", "formPost"}, {"versions", boost::json::array{1, 2}}, {"ok", true}};
  EXPECT_EQ(to_xml("e", ext),
            "<e name=\"formPost\" ok=\"true\"><versions>1</versions><versions>2</versions></e>");
  EXPECT_EQ(to_xml("x", {{"title", "a\"b'\x01\tc"}}), "<x title=\"a&quot;b&apos;\tc\"/>");
}

TEST(SubsonicResponse, EnvelopeInBothFormatsAndErrorsWithHttp200) {
  net::Response json =
      ok_response(rendering_of("json", ""), {{"license", boost::json::object{{"valid", true}}}});
  EXPECT_EQ(json.status, 200);
  const auto body =
      boost::json::parse(std::get<std::string>(json.body)).as_object().at("subsonic-response").as_object();
  EXPECT_EQ(body.at("status").as_string(), "ok");
  EXPECT_EQ(body.at("version").as_string(), "1.16.1");
  EXPECT_EQ(body.at("type").as_string(), "dispotify");
  EXPECT_TRUE(body.at("openSubsonic").as_bool());
  net::Response xml = error_response(rendering_of("", ""), missing_parameter("id"));
  EXPECT_EQ(xml.status, 200);
  const std::string& text = std::get<std::string>(xml.body);
  EXPECT_NE(text.find("status=\"failed\""), std::string::npos) << text;
  EXPECT_NE(text.find("<error code=\"10\""), std::string::npos) << text;
  EXPECT_EQ(rendering_of("jsonp", "evil()</script>").format, Format::json);
  EXPECT_EQ(rendering_of("jsonp", "app.cb").format, Format::jsonp);
}

TEST(SubsonicResponse, ErrorCodes) {
  EXPECT_EQ(code_of(missing_parameter("u")), Code::missing_parameter);
  EXPECT_EQ(code_of(make_error(Errc::invalid_argument, "rating must be 0..5")), Code::generic);
  EXPECT_EQ(code_of(make_error(Errc::not_found, "x")), Code::not_found);
  EXPECT_EQ(code_of(make_error(Errc::permission_denied, "x")), Code::not_authorized);
  EXPECT_EQ(code_of(make_error(Errc::unavailable, "x")), Code::generic);
}

TEST(SubsonicLyrics, PlainAndSynced) {
  Lyrics plain = parse_lyrics("one\r\ntwo\n\n");
  EXPECT_FALSE(plain.synced);
  ASSERT_EQ(plain.lines.size(), 2u);
  EXPECT_EQ(plain.lines[1].text, "two");
  Lyrics synced = parse_lyrics("[ar:Someone]\n[00:02.50]second\n[00:01]first\n[01:00.1][00:03.25]twice");
  EXPECT_TRUE(synced.synced);
  ASSERT_EQ(synced.lines.size(), 4u);
  EXPECT_EQ(*synced.lines[0].start_ms, 1000);
  EXPECT_EQ(synced.lines[0].text, "first");
  EXPECT_EQ(*synced.lines[1].start_ms, 2500);
  EXPECT_EQ(*synced.lines[2].start_ms, 3250);
  EXPECT_EQ(*synced.lines[3].start_ms, 60100);
  EXPECT_EQ(synced.lines[3].text, "twice");
}

TEST(SubsonicAuth, TokenAndEncodedPasswords) {
  // The example of the Subsonic documentation: md5("sesame" + "c19b2d").
  EXPECT_EQ(md5_hex("sesamec19b2d"), "26719a1196d2a940705a59634eb18eab");
  EXPECT_EQ(decode_password("enc:736573616d65"), "sesame");
  EXPECT_EQ(decode_password("plain"), "plain");
  EXPECT_FALSE(decode_password("enc:7g").has_value());
  EXPECT_FALSE(decode_password("enc:123").has_value());
}

}  // namespace
}  // namespace dispotify::api::subsonic
