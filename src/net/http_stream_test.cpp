#include "net/http_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "base/sha256.h"
#include "net/net_test_util.h"

namespace dispotify::net {
namespace {

using testing::RunningServer;
using testing::small_options;

ClientRequest to(uint16_t port, std::string method, std::string target) {
  ClientRequest r;
  r.method = std::move(method);
  r.port = port;
  r.target = std::move(target);
  r.io_timeout_ms = 2'000;
  return r;
}

// Answers "SIZE HASH" of the body it read, so a test sees exactly what
// arrived.
Response hash_the_body(Request& request) {
  Sha256 hasher;
  uint64_t size = 0;
  char buffer[1000];
  for (;;) {
    auto n = request.body->read(buffer);
    if (!n.ok()) return Response{.status = 400, .body = n.error().message};
    if (*n == 0) break;
    hasher.update({buffer, *n});
    size += *n;
  }
  return Response{.status = 201, .body = std::to_string(size) + " " + hasher.finish_hex()};
}

// A body of `size` deterministic bytes, produced as it is sent.
class CountingSource final : public ChunkSource {
 public:
  explicit CountingSource(uint64_t size) : left_(size) {}
  Result<size_t> read(std::span<char> buffer) override {
    const size_t n = std::min<uint64_t>(buffer.size(), left_);
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>('a' + (next_++ % 26));
    left_ -= n;
    return n;
  }

 private:
  uint64_t left_;
  uint64_t next_ = 0;
};

std::string counting_bytes(uint64_t size) {
  std::string s(size, '\0');
  for (uint64_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i % 26));
  return s;
}

TEST(UploadStream, ChunksArriveInOrderAndTheAnswerIsRead) {
  RunningServer server(small_options(), hash_the_body);
  auto upload = UploadStream::open(to(server.port(), "PUT", "/blob"));
  ASSERT_TRUE(upload.ok()) << upload.error().message;
  std::string sent;
  for (int i = 0; i < 300; ++i) {
    const std::string chunk = std::to_string(i) + std::string(static_cast<size_t>(i) * 37, 'x');
    ASSERT_TRUE((*upload)->write(chunk).ok());
    sent += chunk;
  }
  ASSERT_TRUE((*upload)->write({}).ok());  // an empty write is not the end
  auto answer = (*upload)->finish();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(answer->body, std::to_string(sent.size()) + " " + sha256_hex(sent));
  EXPECT_FALSE((*upload)->finish().ok()) << "one answer per stream";
}

TEST(UploadStream, WithExpectContinueTheBodyFollowsTheServersGo) {
  RunningServer server(small_options(), hash_the_body);
  ClientRequest request = to(server.port(), "PUT", "/blob");
  request.headers.push_back({"Expect", "100-continue"});
  auto upload = UploadStream::open(request);
  ASSERT_TRUE(upload.ok()) << upload.error().message;
  EXPECT_FALSE((*upload)->refusal().has_value());
  const std::string hello = "hello";
  ASSERT_TRUE((*upload)->write(hello).ok());
  auto answer = (*upload)->finish();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->body, "5 " + sha256_hex("hello"));
}

TEST(UploadStream, AServerThatRefusesBeforeTheBodyIsHeardAtOpen) {
  RunningServer server(small_options(),
                       [](Request&) { return Response{.status = 507, .body = "{\"error\":\"full\"}"}; });
  ClientRequest request = to(server.port(), "PUT", "/blob");
  request.headers.push_back({"Expect", "100-continue"});
  auto upload = UploadStream::open(request);
  ASSERT_TRUE(upload.ok()) << upload.error().message;
  ASSERT_TRUE((*upload)->refusal().has_value());
  EXPECT_EQ((*upload)->refusal()->status, 507);
  EXPECT_EQ((*upload)->refusal()->body, "{\"error\":\"full\"}");
  const std::string unwanted = "bytes nobody wants";
  EXPECT_FALSE((*upload)->write(unwanted).ok());
  auto answer = (*upload)->finish();
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 507);
}

TEST(UploadStream, UnreachableServerIsUnavailable) {
  uint16_t port = 0;
  {
    RunningServer server(small_options(), hash_the_body);
    port = server.port();
  }
  auto upload = UploadStream::open(to(port, "PUT", "/blob"));
  ASSERT_FALSE(upload.ok());
  EXPECT_EQ(upload.error().code, Errc::unavailable);
}

TEST(DownloadStream, ReadsAStreamedBodyInPieces) {
  static constexpr uint64_t kSize = 3 * 1024 * 1024 + 17;
  RunningServer server(small_options(), [](Request&) {
    return Response{.status = 200, .body = std::make_shared<CountingSource>(kSize)};
  });
  auto download = DownloadStream::open(to(server.port(), "GET", "/blob"));
  ASSERT_TRUE(download.ok()) << download.error().message;
  EXPECT_EQ((*download)->status(), 200);
  std::string got;
  char buffer[10'000];
  for (;;) {
    auto n = (*download)->read(buffer);
    ASSERT_TRUE(n.ok()) << n.error().message;
    if (*n == 0) break;
    got.append(buffer, *n);
  }
  EXPECT_EQ(got.size(), kSize);
  EXPECT_EQ(sha256_hex(got), sha256_hex(counting_bytes(kSize)));
}

TEST(DownloadStream, KnowsTheLengthAndHeaders) {
  RunningServer server(small_options(), [](Request&) {
    Response r{.status = 206, .body = std::string("hello")};
    r.set_header("Content-Range", "bytes 0-4/10");
    return r;
  });
  auto download = DownloadStream::open(to(server.port(), "GET", "/blob"));
  ASSERT_TRUE(download.ok());
  EXPECT_EQ((*download)->status(), 206);
  EXPECT_EQ((*download)->content_length(), 5U);
  EXPECT_EQ((*download)->header("content-range"), "bytes 0-4/10");
  char buffer[3];
  std::string got;
  for (auto n = (*download)->read(buffer); n.ok() && *n > 0; n = (*download)->read(buffer))
    got.append(buffer, *n);
  EXPECT_EQ(got, "hello");
}

// A source that sends some bytes, then fails: the server cuts the
// response short, and the reader must see an error, never a short success.
class FailingSource final : public ChunkSource {
 public:
  Result<size_t> read(std::span<char> buffer) override {
    if (sent_ >= 100'000) return make_error(Errc::io_error, "disk gone");
    const size_t n = std::min<size_t>(buffer.size(), 100'000 - sent_);
    std::fill_n(buffer.data(), n, 'z');
    sent_ += n;
    return n;
  }

 private:
  size_t sent_ = 0;
};

TEST(DownloadStream, ABodyCutShortIsAnError) {
  RunningServer server(small_options(), [](Request&) {
    Response r{.status = 200, .body = std::make_shared<FailingSource>()};
    r.set_header("Content-Length", "1000000");
    return r;
  });
  auto download = DownloadStream::open(to(server.port(), "GET", "/blob"));
  ASSERT_TRUE(download.ok());
  char buffer[4096];
  uint64_t total = 0;
  for (;;) {
    auto n = (*download)->read(buffer);
    if (!n.ok()) {
      EXPECT_LT(total, 1'000'000U);
      return;
    }
    ASSERT_GT(*n, 0U) << "a cut body must not look complete";
    total += *n;
  }
}

}  // namespace
}  // namespace dispotify::net
