#include "net/http_wire.h"

#include <gtest/gtest.h>

#include <thread>

namespace dispotify::net {
namespace {

TEST(HttpWire, DateIsImfFixdate) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));
  EXPECT_EQ(format_http_date(when), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpWire, DateNowFollowsTheClockAcrossASecond) {
  // Formatted once a second: after the clock's second changes, the next
  // call must not hand back the previous second's text.
  const std::string first = http_date_now();
  std::string clock = format_http_date(std::chrono::system_clock::now());
  for (int i = 0; i < 300 && clock == first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    clock = format_http_date(std::chrono::system_clock::now());
  }
  ASSERT_NE(clock, first);
  const std::string now = http_date_now();
  const std::string after = format_http_date(std::chrono::system_clock::now());
  EXPECT_TRUE(now == clock || now == after) << now << " / " << clock;
}

TEST(HttpWire, ResponseHeadOwnsFramingAndDropsInjection) {
  const std::vector<Header> headers{{"Content-Type", "text/plain"},
                                    {"Content-Length", "999"},
                                    {"X-Evil", "a\r\nSet-Cookie: x"},
                                    {"Bad:Name", "v"},
                                    {"Server", "other"},
                                    {"X-Fine", "1"}};
  EXPECT_EQ(format_response_head(404, headers, BodyFraming{uint64_t{3}, false}, true, "D"),
            "HTTP/1.1 404 Not Found\r\nServer: dispotify\r\nDate: D\r\nContent-Type: text/plain\r\n"
            "X-Fine: 1\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(format_response_head(200, {}, BodyFraming{std::nullopt, true}, false, "D"),
            "HTTP/1.1 200 OK\r\nServer: dispotify\r\nDate: D\r\nTransfer-Encoding: chunked\r\nConnection: "
            "close\r\n\r\n");
  EXPECT_EQ(format_response_head(204, {}, BodyFraming{}, true, "D"),
            "HTTP/1.1 204 No Content\r\nServer: dispotify\r\nDate: D\r\n\r\n");
}

TEST(HttpWire, ErrorJsonEscapes) {
  EXPECT_EQ(error_json("invalid_argument", "bad \"x\"\n"),
            R"({"error":{"code":"invalid_argument","message":"bad \"x\"\n"}})");
  const Response response = error_response(413, "too_large", "m");
  EXPECT_EQ(response.status, 413);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].value, "application/json");
}

TEST(HttpWire, BodylessStatuses) {
  EXPECT_TRUE(status_forbids_body(100));
  EXPECT_TRUE(status_forbids_body(204));
  EXPECT_TRUE(status_forbids_body(304));
  EXPECT_FALSE(status_forbids_body(200));
  EXPECT_FALSE(status_forbids_body(404));
}

}  // namespace
}  // namespace dispotify::net
