#include "net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "net/net_test_util.h"

namespace dispotify::net {
namespace {

using testing::RunningServer;
using testing::small_options;

Response text(std::string body) {
  Response response;
  response.body = std::move(body);
  return response;
}

TEST(ParseUrl, HostPortAndPrefix) {
  auto url = parse_url("http://music.local:4533/base/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "music.local");
  EXPECT_EQ(url->port, 4533);
  EXPECT_EQ(url->prefix, "/base");

  auto bare = parse_url("HTTP://10.0.0.1");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "10.0.0.1");
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->prefix, "");

  auto v6 = parse_url("http://[::1]:8080/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->prefix, "");
}

TEST(ParseUrl, Https) {
  auto url = parse_url("https://music.example.org/base");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->prefix, "/base");
  auto plain = parse_url("http://music.example.org");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->https);
}

TEST(ParseUrl, RejectsWhatWeCannotUse) {
  for (const char* bad :
       {"", "ftp://x", "http://", "http://:80", "http://x:", "http://x:0", "http://x:65536", "http://x:12a",
        "http://u@x", "http://x/p?q=1", "http://[::1", "http://[::1]x", "x:80"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, Errc::invalid_argument) << bad;
  }
}

TEST(HttpClient, SendsHeadersAndBodyAndReadsResponse) {
  RunningServer server(small_options(), [](Request& request) {
    std::string body(16, '\0');
    auto n = request.body->read(body);
    body.resize(n.ok() ? *n : 0);
    Response response = text(request.method + " " + request.target + " " +
                             std::string(request.header("X-Token").value_or("-")) + " " +
                             std::string(request.header("Host").value_or("-")) + " " + body);
    response.status = 202;
    response.set_header("X-Reply", "yes");
    return response;
  });
  ClientRequest call{.method = "POST", .port = server.port(), .target = "/a?b=c"};
  call.headers.push_back({"X-Token", "t1"});
  call.body = std::string("payload");
  auto response = request(call);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->header("x-reply").value_or(""), "yes");
  EXPECT_EQ(response->body, "POST /a?b=c t1 127.0.0.1:" + std::to_string(server.port()) + " payload");
}

TEST(HttpClient, HeadResponseHasNoBody) {
  RunningServer server(small_options(), [](Request&) { return text("twelve bytes"); });
  auto response = request(ClientRequest{.method = "HEAD", .port = server.port()});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->header("Content-Length").value_or(""), "12");
  EXPECT_EQ(response->body, "");
}

TEST(HttpClient, ResponseBodyOverTheCapIsTooLarge) {
  RunningServer server(small_options(), [](Request&) { return text(std::string(2000, 'z')); });
  auto response = request(ClientRequest{.port = server.port(), .response_body_bytes_max = 1999});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, Errc::too_large);
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  uint16_t port = 0;
  {
    RunningServer server(small_options(), [](Request&) { return text(""); });
    port = server.port();
  }
  auto response = request(ClientRequest{.port = port});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, Errc::unavailable);
}

TEST(HttpClient, ReadTimeout) {
  RunningServer server(small_options(), [](Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return text("late");
  });
  auto response = request(ClientRequest{.port = server.port(), .io_timeout_ms = 100});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, Errc::timeout);
}

TEST(HttpClient, MissingUploadFileIsIoError) {
  RunningServer server(small_options(), [](Request&) { return text(""); });
  ClientRequest call{.method = "PUT", .port = server.port()};
  call.body = FileUpload{"/nonexistent/dispotify/file"};
  auto response = request(call);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, Errc::io_error);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedAnIdleConnection) {
  auto options = small_options();
  options.idle_timeout_ms = 100;
  std::atomic<int> calls{0};
  RunningServer server(options, [&](Request&) { return text(std::to_string(++calls)); });
  HttpConnection connection;
  ASSERT_EQ(connection.request(ClientRequest{.port = server.port()})->body, "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server closes it meanwhile
  auto second = connection.request(ClientRequest{.port = server.port()});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "2");
}

TEST(HttpClient, ServerConnectionCloseIsHonored) {
  RunningServer server(small_options(), [](Request&) { return text("ok"); });
  HttpConnection connection;
  ClientRequest call{.port = server.port()};
  call.headers.push_back({"Connection", "close"});
  for (int i = 0; i < 2; ++i) {
    auto response = connection.request(call);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->header("Connection").value_or(""), "close");
  }
}

}  // namespace
}  // namespace dispotify::net
