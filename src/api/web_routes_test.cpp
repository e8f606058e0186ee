#include "api/web_routes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/test_dir.h"

namespace dispotify::api {
namespace {

std::optional<std::string> header(const net::Response& response, std::string_view name) {
  for (const auto& h : response.headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

std::string body_of(const net::Response& response) {
  if (const auto* text = std::get_if<std::string>(&response.body)) return *text;
  const auto& file = std::get<net::FileBody>(response.body);
  std::string out(file.length, '\0');
  EXPECT_EQ(::pread(file.descriptor(), out.data(), out.size(), static_cast<off_t>(file.offset)),
            static_cast<ssize_t>(out.size()));
  return out;
}

class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ + "/assets");
    write("index.html", "<!doctype html>app");
    write("assets/index-abc123.js", "console.log(1)");
    write("assets/index-abc123.js.gz", "GZIPPED");
    write("favicon.svg", "<svg/>");
    write("../secret.txt", "TOP SECRET CONTENT");
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }
  net::Response get(std::string path, std::string method = "GET") {
    request_.method = std::move(method);
    request_.path = std::move(path);
    return app_.serve(request_);
  }

  TestDir root_;  // holds dist/ (the web dir) and secret.txt beside it
  std::string dir_ = root_.path() + "/dist";
  WebApp app_{dir_};
  net::Request request_;
};

TEST_F(WebAppTest, HashedAssetsAreImmutable) {
  auto r = get("/assets/index-abc123.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(r, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(body_of(r), "console.log(1)");
}

TEST_F(WebAppTest, GzipIsServedOnlyToClientsThatAcceptIt) {
  request_.headers.push_back({"Accept-Encoding", "br, gzip"});
  auto r = get("/assets/index-abc123.js");
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(body_of(r), "GZIPPED");
  request_.headers = {{"Accept-Encoding", "gzip;q=0"}};
  auto plain = get("/assets/index-abc123.js");
  EXPECT_FALSE(header(plain, "Content-Encoding").has_value());
  EXPECT_EQ(body_of(plain), "console.log(1)");
}

TEST_F(WebAppTest, IndexIsRevalidatedAndAnswers304ForItsETag) {
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
  ASSERT_TRUE(header(r, "ETag").has_value());
  request_.headers.push_back({"If-None-Match", *header(r, "ETag")});
  EXPECT_EQ(get("/").status, 304);
}

TEST_F(WebAppTest, DeepLinksFallBackToIndex) {
  for (const char* path : {"/albums", "/albums/0123abcd", "/artists/x/", "/playlists/p1", "/admin/cluster"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(body_of(r), "<!doctype html>app") << path;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << path;
  }
}

TEST_F(WebAppTest, MissingFilesAndUnknownPathsAreNotAnsweredWithTheApp) {
  EXPECT_EQ(get("/assets/missing-123.js").status, 404);
  EXPECT_EQ(get("/robots.txt").status, 404);
  EXPECT_EQ(get("/favicon.svg").status, 200);
  for (const char* path : {"/rest-nope/ping", "/wp-admin", "/albumsx/1"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(header(r, "Content-Type"), "application/json") << path;
  }
}

TEST_F(WebAppTest, ServerPathsAreNeverSwallowed) {
  for (const char* path :
       {"/api/v1/nope", "/api", "/rest/ping.view", "/metrics/x", "/healthz/", "/readyz", "/peer/v1/raft"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(header(r, "Content-Type"), "application/json") << path;
  }
  EXPECT_FALSE(WebApp::is_reserved_path("/apis"));
  EXPECT_FALSE(WebApp::is_reserved_path("/albums/api"));
}

TEST_F(WebAppTest, PathTraversalIsRefused) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/assets/..", "/.hidden",
                           "/albums//b", "/albums/../../secret.txt", "/assets\\..\\x.js"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(body_of(r).find("TOP SECRET"), std::string::npos) << path;
  }
}

TEST_F(WebAppTest, OtherMethodsGet405) {
  auto r = get("/albums", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "GET, HEAD");
  EXPECT_EQ(get("/albums", "HEAD").status, 200);
  EXPECT_EQ(get("/nope", "POST").status, 404);
}

TEST(WebApp, WithoutABuiltAppExplainsWhatToDo) {
  TestDir empty;
  WebApp app(empty.path() + "/dist");
  net::Request request;
  request.method = "GET";
  request.path = "/";
  auto r = app.serve(request);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(std::get<std::string>(r.body).find("make web"), std::string::npos);
}

}  // namespace
}  // namespace dispotify::api
