#include "net/http_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "net/http_client.h"
#include "net/net_test_util.h"

namespace dispotify::net {
namespace {

using testing::body_of;
using testing::header_of;
using testing::RawSocket;
using testing::RunningServer;
using testing::small_options;
using testing::status_line_of;

Response text_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.set_header("Content-Type", "text/plain");
  response.body = std::move(body);
  return response;
}

// Drains the request body and returns {bytes, checksum, largest read}.
struct Drained {
  uint64_t bytes = 0;
  uint64_t checksum = 1469598103934665603ULL;  // FNV-1a
  size_t largest_read = 0;
  std::optional<Error> error;
};
Drained drain(BodyReader& body, size_t chunk_bytes) {
  Drained out;
  std::vector<char> chunk(chunk_bytes);
  while (true) {
    auto n = body.read(chunk);
    if (!n.ok()) {
      out.error = n.error();
      return out;
    }
    if (*n == 0) return out;
    out.largest_read = std::max(out.largest_read, *n);
    for (size_t i = 0; i < *n; ++i) {
      out.checksum = (out.checksum ^ static_cast<unsigned char>(chunk[i])) * 1099511628211ULL;
    }
    out.bytes += *n;
  }
}

std::string temp_file_with(const std::string& bytes) {
  char path[] = "/tmp/dispotify_net_test_XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  return path;
}

TEST(HttpServer, GetStringBodyWithDecodedPathAndQuery) {
  std::mutex mutex;
  Request seen;
  RunningServer server(small_options(), [&](Request& request) {
    std::lock_guard lock(mutex);
    seen = request;
    return text_response(200, "hello");
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET /a%20b/c?x=1+2&y=%C3%A9&flag HTTP/1.1\r\nHost: t\r\nX-Thing: v\r\n\r\n"));
  const std::string response = socket.read_response();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(header_of(response, "Content-Length"), "5");
  EXPECT_EQ(header_of(response, "Server"), "dispotify");
  EXPECT_EQ(header_of(response, "Content-Type"), "text/plain");
  EXPECT_TRUE(header_of(response, "Date").ends_with(" GMT"));
  EXPECT_EQ(body_of(response), "hello");

  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/a%20b/c?x=1+2&y=%C3%A9&flag");
  EXPECT_EQ(seen.path, "/a b/c");
  ASSERT_EQ(seen.query.size(), 3u);
  EXPECT_EQ(seen.query[0], (std::pair<std::string, std::string>{"x", "1 2"}));
  EXPECT_EQ(seen.query[1].second, "\xC3\xA9");
  EXPECT_EQ(seen.query[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(seen.header("x-thing").value_or(""), "v");
  EXPECT_TRUE(seen.remote_address.starts_with("127.0.0.1:")) << seen.remote_address;
}

TEST(HttpServer, HeadKeepsContentLengthAndSendsNoBody) {
  RunningServer server(small_options(), [](Request& request) {
    return text_response(200, request.method == "HEAD" ? "12345" : "second");
  });
  RawSocket socket(server.port());
  // The second request's response must follow the HEAD response directly:
  // a single stray body byte would corrupt it.
  ASSERT_TRUE(socket.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string head = socket.read_response();
  EXPECT_EQ(status_line_of(head), "HTTP/1.1 200 OK");
  EXPECT_EQ(header_of(head, "Content-Length"), "5");
  // read_response() read 5 bytes past the head: they must be the next response.
  EXPECT_EQ(body_of(head), "HTTP/");
}

TEST(HttpServer, FileBodyRangeIsSentExactly) {
  std::string content;
  for (int i = 0; i < 300'000; ++i) content.push_back(static_cast<char>('a' + i % 23));
  const std::string path = temp_file_with(content);
  RunningServer server(small_options(), [&](Request& request) {
    Response response;
    response.status = request.path == "/part" ? 206 : 200;
    const uint64_t offset = request.path == "/part" ? 1000 : 0;
    const uint64_t length = request.path == "/part" ? 200'001 : content.size();
    response.body = FileBody{UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), offset, length};
    return response;
  });
  auto whole = request(ClientRequest{.port = server.port(), .target = "/whole"});
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->status, 200);
  EXPECT_TRUE(whole->body == content);
  auto part = request(ClientRequest{.port = server.port(), .target = "/part"});
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->header("Content-Length").value_or(""), "200001");
  EXPECT_TRUE(part->body == content.substr(1000, 200'001));
  std::filesystem::remove(path);
}

class CountingSource final : public ChunkSource {
 public:
  explicit CountingSource(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}
  Result<size_t> read(std::span<char> buffer) override {
    if (next_ == pieces_.size()) return size_t{0};
    const std::string& piece = pieces_[next_++];
    std::memcpy(buffer.data(), piece.data(), piece.size());
    return piece.size();
  }

 private:
  std::vector<std::string> pieces_;
  size_t next_ = 0;
};

TEST(HttpServer, ChunkSourceIsSentChunked) {
  RunningServer server(small_options(), [](Request& request) {
    Response response;
    response.body =
        std::make_shared<CountingSource>(std::vector<std::string>{"hello ", "chunked", " world!"});
    if (request.path == "/sized") response.set_header("Content-Length", "19");
    return response;
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string response = socket.read_all();
  EXPECT_EQ(header_of(response, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(header_of(response, "Content-Length"), "");
  EXPECT_EQ(body_of(response), "6\r\nhello \r\n7\r\nchunked\r\n7\r\n world!\r\n0\r\n\r\n");

  auto sized = request(ClientRequest{.port = server.port(), .target = "/sized"});
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->header("Transfer-Encoding"), std::nullopt);
  // The declared length wins: the surplus byte is not sent.
  EXPECT_EQ(sized->body, "hello chunked world");
}

TEST(HttpServer, LargeUploadIsStreamedInBoundedChunks) {
  constexpr size_t kUploadBytes = 20 << 20;
  std::string content(kUploadBytes, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 7919) >> 3);
  const std::string path = temp_file_with(content);
  Drained expected;
  {
    uint64_t h = expected.checksum;
    for (const char c : content) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    expected.checksum = h;
  }
  content.clear();
  content.shrink_to_fit();

  RunningServer server(small_options(), [](Request& request) {
    const Drained drained = drain(*request.body, 64 * 1024);
    if (drained.error) return text_response(500, drained.error->message);
    return text_response(200, std::to_string(drained.bytes) + " " + std::to_string(drained.checksum) + " " +
                                  (drained.largest_read > 4096 && drained.largest_read <= 65536
                                       ? "bounded"
                                       : std::to_string(drained.largest_read)) +
                                  " " + std::to_string(request.body->content_length().value_or(0)));
  });
  ClientRequest upload{.method = "PUT", .port = server.port(), .target = "/upload"};
  upload.body = FileUpload{path};
  auto response = request(upload);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, std::to_string(kUploadBytes) + " " + std::to_string(expected.checksum) +
                                " bounded " + std::to_string(kUploadBytes));
  std::filesystem::remove(path);
}

// A handler that asks for more than a slice (256 KiB) gets at most a slice
// per read, filled from what is already waiting, and every byte in order.
TEST(HttpServer, LargeReadsGetAtMostOneSliceOfTheBody) {
  constexpr size_t kUploadBytes = 6 << 20;
  std::string content(kUploadBytes, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 7919) >> 5);
  uint64_t expected = Drained{}.checksum;
  for (const char c : content) expected = (expected ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const std::string path = temp_file_with(content);

  RunningServer server(small_options(), [](Request& request) {
    const Drained drained = drain(*request.body, 1 << 20);
    if (drained.error) return text_response(500, drained.error->message);
    return text_response(
        200, std::to_string(drained.bytes) + " " + std::to_string(drained.checksum) + " " +
                 (drained.largest_read <= 256 * 1024 ? "bounded" : std::to_string(drained.largest_read)));
  });
  ClientRequest upload{.method = "PUT", .port = server.port(), .target = "/upload"};
  upload.body = FileUpload{path};
  auto response = request(upload);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, std::to_string(kUploadBytes) + " " + std::to_string(expected) + " bounded");
  std::filesystem::remove(path);
}

TEST(HttpServer, ChunkedUploadIsDecoded) {
  RunningServer server(small_options(), [](Request& request) {
    const Drained drained = drain(*request.body, 3);
    const bool unknown_length = !request.body->content_length().has_value();
    return text_response(200, std::to_string(drained.bytes) + (unknown_length ? " chunked" : " sized"));
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(
      socket.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  EXPECT_EQ(body_of(socket.read_response()), "11 chunked");
}

TEST(HttpServer, ExpectContinueIsSentOnFirstRead) {
  RunningServer server(small_options(), [](Request& request) {
    return text_response(200, std::to_string(drain(*request.body, 1024).bytes));
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(socket.read_exactly(25), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(socket.send("abcd"));
  const std::string response = socket.read_response();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(response), "4");
}

TEST(HttpServer, OversizedHeadersGet431) {
  auto options = small_options();
  options.header_bytes_max = 1024;
  RunningServer server(options, [](Request&) { return text_response(200, "no"); });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(2000, 'x') + "\r\n\r\n"));
  const std::string response = socket.read_all();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(header_of(response, "Content-Type"), "application/json");
  EXPECT_EQ(header_of(response, "Connection"), "close");
  EXPECT_EQ(body_of(response),
            R"({"error":{"code":"too_large","message":"request header fields too large"}})");
}

TEST(HttpServer, ContentLengthOverLimitGets413) {
  auto options = small_options();
  options.body_bytes_max = 1000;
  std::atomic<int> calls{0};
  RunningServer server(options, [&](Request&) {
    ++calls;
    return text_response(200, "no");
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
  const std::string response = socket.read_all();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(body_of(response), R"({"error":{"code":"too_large","message":"request body too large"}})");
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, ChunkedBodyOverLimitIsTooLargeForTheHandler) {
  auto options = small_options();
  options.body_bytes_max = 8;
  RunningServer server(options, [](Request& request) {
    const Drained drained = drain(*request.body, 64);
    if (drained.error && drained.error->code == Errc::too_large) return text_response(413, "too large");
    return text_response(200, "fits");
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(
      socket.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  const std::string response = socket.read_all();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(header_of(response, "Connection"), "close");
}

TEST(HttpServer, MalformedRequestsGet400) {
  RunningServer server(small_options(), [](Request&) { return text_response(200, "no"); });
  for (const std::string bad :
       {"GARBAGE\r\n\r\n", "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n", "GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET nopath HTTP/1.1\r\nHost: t\r\n\r\n", "GET /?q=%4 HTTP/1.1\r\nHost: t\r\n\r\n"}) {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send(bad));
    const std::string response = socket.read_all();
    EXPECT_EQ(status_line_of(response), "HTTP/1.1 400 Bad Request") << bad;
    EXPECT_EQ(header_of(response, "Content-Type"), "application/json") << bad;
    EXPECT_TRUE(body_of(response).starts_with(R"({"error":{"code":"invalid_argument","message":)")) << bad;
  }
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  std::mutex mutex;
  std::vector<std::string> remotes;
  RunningServer server(small_options(), [&](Request& request) {
    std::lock_guard lock(mutex);
    remotes.push_back(request.remote_address);
    return text_response(200, request.path);
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET /one HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(socket.read_response()), "/one");
  ASSERT_TRUE(socket.send("GET /two HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string second = socket.read_response();
  EXPECT_EQ(body_of(second), "/two");
  EXPECT_EQ(header_of(second, "Connection"), "");
  std::lock_guard lock(mutex);
  ASSERT_EQ(remotes.size(), 2u);
  EXPECT_EQ(remotes[0], remotes[1]);
}

TEST(HttpServer, ClientKeepAliveReusesTheConnection) {
  std::mutex mutex;
  std::set<std::string> remotes;
  RunningServer server(small_options(), [&](Request& request) {
    std::lock_guard lock(mutex);
    remotes.insert(request.remote_address);
    return text_response(200, std::to_string(drain(*request.body, 100).bytes));
  });
  HttpConnection connection;
  for (int i = 0; i < 3; ++i) {
    auto response = connection.request(ClientRequest{.method = "POST", .port = server.port(), .body = "abc"});
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->body, "3");
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(remotes.size(), 1u);
}

TEST(HttpServer, HeaderTimeoutClosesSlowloris) {
  auto options = small_options();
  options.header_timeout_ms = 200;
  RunningServer server(options, [](Request&) { return text_response(200, "no"); });
  RawSocket socket(server.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(socket.send("GET / HTTP/1.1\r\nHost: t\r\n"));
  EXPECT_TRUE(socket.closed_by_peer());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(150));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  auto options = small_options();
  options.idle_timeout_ms = 200;
  RunningServer server(options, [](Request&) { return text_response(200, "ok"); });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(socket.read_response()), "ok");
  EXPECT_TRUE(socket.closed_by_peer());
}

TEST(HttpServer, BodyReadTimeoutReachesTheHandler) {
  auto options = small_options();
  options.body_read_timeout_ms = 200;
  std::promise<Errc> seen;
  RunningServer server(options, [&](Request& request) {
    const Drained drained = drain(*request.body, 100);
    seen.set_value(drained.error ? drained.error->code : Errc::internal);
    return text_response(408, "slow");
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(future.get(), Errc::timeout);
}

TEST(HttpServer, UnreadBodyClosesTheConnectionAfterTheResponse) {
  RunningServer server(small_options(), [](Request&) { return text_response(200, "ignored your body"); });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nabc"));
  const std::string response = socket.read_response();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(header_of(response, "Connection"), "close");
  EXPECT_TRUE(socket.closed_by_peer());
}

TEST(HttpServer, HandlerExceptionBecomes500Json) {
  RunningServer server(small_options(), [](Request&) -> Response { throw std::runtime_error("boom"); });
  auto response = request(ClientRequest{.port = server.port()});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(response->body, R"({"error":{"code":"internal","message":"internal server error"}})");
}

TEST(HttpServer, StopLetsInFlightRequestFinish) {
  std::promise<void> entered;
  RunningServer server(small_options(), [&](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return text_response(200, "finished");
  });
  auto client =
      std::async(std::launch::async, [port = server.port()] { return request(ClientRequest{.port = port}); });
  entered.get_future().wait();
  const auto stop_at = std::chrono::steady_clock::now();
  server.server().stop();
  server.join();  // run() returns once the request is answered
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, std::chrono::milliseconds(900));
  auto response = client.get();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "finished");
  EXPECT_EQ(response->header("Connection").value_or(""), "close");
  EXPECT_FALSE(RawSocket(server.port()).connected());
}

TEST(HttpServer, StopClosesIdleConnectionsPromptly) {
  RunningServer server(small_options(), [](Request&) { return text_response(200, "ok"); });
  RawSocket idle(server.port());
  ASSERT_TRUE(idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(idle.read_response()), "ok");
  const auto stop_at = std::chrono::steady_clock::now();
  server.server().stop();
  server.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, std::chrono::milliseconds(500));
  EXPECT_TRUE(idle.closed_by_peer());
}

TEST(HttpServer, ConnectionsBeyondTheLimitGet503) {
  auto options = small_options();
  options.connections_max = 1;
  RunningServer server(options, [](Request&) { return text_response(200, "ok"); });
  RawSocket first(server.port());
  ASSERT_TRUE(first.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(first.read_response()), "ok");
  RawSocket second(server.port());
  const std::string refused = second.read_all();
  EXPECT_EQ(status_line_of(refused), "HTTP/1.1 503 Service Unavailable");
  EXPECT_EQ(body_of(refused), R"({"error":{"code":"unavailable","message":"too many connections"}})");
}

TEST(HttpServer, AccessRecordPerResponse) {
  std::mutex mutex;
  std::vector<AccessRecord> records;
  auto options = small_options();
  options.on_access = [&](const AccessRecord& record) {
    std::lock_guard lock(mutex);
    records.push_back(record);
  };
  RunningServer server(options, [](Request&) {
    Response response = text_response(201, "made");
    response.route = "POST /things";
    return response;
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("POST /things?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(status_line_of(socket.read_response()), "HTTP/1.1 201 Created");
  ASSERT_TRUE(socket.send("BAD\r\n\r\n"));
  EXPECT_EQ(status_line_of(socket.read_all()), "HTTP/1.1 400 Bad Request");
  std::lock_guard lock(mutex);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].method, "POST");
  EXPECT_EQ(records[0].route, "POST /things");
  EXPECT_EQ(records[0].path, "/things");
  EXPECT_EQ(records[0].status, 201);
  EXPECT_EQ(records[0].body_bytes_sent, 4u);
  EXPECT_GE(records[0].duration_seconds, 0.0);
  EXPECT_EQ(records[1].status, 400);
}

TEST(HttpServer, StartFailsOnBadAddress) {
  ServerOptions options;
  options.host = "not an address";
  HttpServer server(options, [](Request&) { return Response{}; });
  const auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace dispotify::net

namespace dispotify::net {
namespace {

TEST(HttpServer, ConcurrentClientsOnTwoIoThreads) {
  auto options = testing::small_options();
  options.io_threads = 2;
  testing::RunningServer server(options, [](Request& request) {
    Response response;
    response.body = request.path;
    return response;
  });
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 6; ++c) {
    clients.push_back(std::async(std::launch::async, [port = server.port(), c] {
      HttpConnection connection;
      int ok = 0;
      for (int i = 0; i < 25; ++i) {
        const std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        auto response = connection.request(ClientRequest{.port = port, .target = target});
        ok += response.ok() && response->body == target;
      }
      return ok;
    }));
  }
  for (auto& client : clients) EXPECT_EQ(client.get(), 25);
}

// Every I/O thread accepts (each its own loop): the connection limit must
// still hold exactly when several of them admit at the same time.
TEST(HttpServer, TheConnectionLimitHoldsWithSeveralAcceptingLoops) {
  auto options = testing::small_options();
  options.io_threads = 4;
  options.connections_max = 10;
  testing::RunningServer server(options, [](Request&) { return text_response(200, "ok"); });
  std::vector<std::unique_ptr<testing::RawSocket>> sockets;
  for (int i = 0; i < 30; ++i) sockets.push_back(std::make_unique<testing::RawSocket>(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every connection accepted or refused
  int served = 0;
  int refused = 0;
  for (auto& socket : sockets) {
    ASSERT_TRUE(socket->connected());
    char byte = 0;
    if (::recv(socket->fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
      EXPECT_EQ(testing::status_line_of(socket->read_all()), "HTTP/1.1 503 Service Unavailable");
      ++refused;
      continue;
    }
    ASSERT_TRUE(socket->send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_EQ(testing::body_of(socket->read_response()), "ok");
    ++served;
  }
  EXPECT_EQ(served, 10);
  EXPECT_EQ(refused, 20);
}

TEST(HttpServer, StopBeforeRunMakesRunReturn) {
  auto options = testing::small_options();
  options.port = 0;
  HttpServer server(options, [](Request&) { return Response{}; });
  ASSERT_TRUE(server.start().ok());
  server.stop();
  server.stop();  // idempotent
  server.run();   // returns at once
  SUCCEED();
}

}  // namespace
}  // namespace dispotify::net

namespace dispotify::net {
namespace {

// run_inline: matching body-less requests are handled on the I/O thread
// (the one running HttpServer::run), the others on a worker thread.
TEST(HttpServer, RunInlineHandlesMatchingRequestsOnTheIoThread) {
  std::mutex mutex;
  std::map<std::string, std::thread::id> handled_on;
  ServerOptions options = small_options();
  options.run_inline = [](const Request& r) { return r.path == "/inline"; };
  RunningServer server(options, [&](Request& request) {
    std::lock_guard lock(mutex);
    handled_on[request.path] = std::this_thread::get_id();
    return text_response(200, request.path);
  });
  for (const char* path : {"/inline", "/pooled"}) {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    const std::string response = socket.read_response();
    EXPECT_EQ(status_line_of(response), "HTTP/1.1 200 OK");
    EXPECT_EQ(body_of(response), path);
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(handled_on.size(), 2u);
  EXPECT_NE(handled_on["/inline"], handled_on["/pooled"]);
  EXPECT_EQ(handled_on["/inline"], server.run_thread_id());
}

// A small body with a Content-Length is read before the handler runs, so
// such a request may run inline too and gets its body in one read; for a
// request that runs inline this waits for a body still on its way (a client
// that writes head and body separately). A larger one streams to a worker.
TEST(HttpServer, RunInlineTakesRequestsWhoseSmallBodyHasArrived) {
  std::mutex mutex;
  std::map<uint64_t, std::pair<std::thread::id, Drained>> seen;  // by body size
  ServerOptions options = small_options();
  options.run_inline = [](const Request& r) { return r.path == "/inline"; };
  RunningServer server(options, [&](Request& request) {
    const Drained drained = drain(*request.body, 128 * 1024);
    std::lock_guard lock(mutex);
    seen[drained.bytes] = {std::this_thread::get_id(), drained};
    return text_response(200, std::to_string(drained.bytes));
  });
  const auto post = [](uint64_t size) {
    return "POST /inline HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
  };
  {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send(post(1000) + std::string(1000, 's')));
    EXPECT_EQ(body_of(socket.read_response()), "1000");
  }
  {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send(post(999) + std::string(10, 't')));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(socket.send(std::string(989, 't')));
    EXPECT_EQ(body_of(socket.read_response()), "999");
  }
  {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send(post(65537) + std::string(65537, 'l')));
    EXPECT_EQ(body_of(socket.read_response()), "65537");
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1000].first, server.run_thread_id());
  EXPECT_EQ(seen[1000].second.largest_read, 1000u);  // one read: it was all there
  EXPECT_EQ(seen[999].first, server.run_thread_id());
  EXPECT_EQ(seen[999].second.largest_read, 999u);
  EXPECT_NE(seen[65537].first, server.run_thread_id());
  for (const auto& [size, handled] : seen) EXPECT_FALSE(handled.second.error) << size;
}

// A small body cut short: the handler gets the bytes that came, then the
// error.
TEST(HttpServer, SmallBodyCutShortReachesTheHandlerAsAnError) {
  std::promise<std::pair<uint64_t, std::optional<Errc>>> seen;
  ServerOptions options = small_options();
  options.run_inline = [](const Request&) { return true; };
  RunningServer server(options, [&](Request& request) {
    const Drained drained = drain(*request.body, 100);
    seen.set_value({drained.bytes, drained.error ? std::optional(drained.error->code) : std::nullopt});
    return text_response(400, "short");
  });
  {
    RawSocket socket(server.port());
    ASSERT_TRUE(socket.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n0123456789"));
  }  // closed after 10 of the 50 bytes
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const auto [bytes, error] = future.get();
  EXPECT_EQ(bytes, 10u);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(*error, Errc::timeout);
}

}  // namespace
}  // namespace dispotify::net

namespace dispotify::net {
namespace {

// A deferred response holds no thread while its work is elsewhere: the one
// I/O thread serves another connection meanwhile, and the deferred answer
// is finished on that I/O thread once the work completes (from another
// thread), with the route label the handler gave.
TEST(HttpServer, DeferredResponseIsFinishedOnTheIoThreadWithoutHoldingIt) {
  std::mutex mutex;
  std::shared_ptr<DeferredResponse> waiting;
  std::thread::id finished_on;
  std::vector<std::string> routes;
  ServerOptions options = small_options();
  options.run_inline = [](const Request&) { return true; };
  options.on_access = [&](const AccessRecord& r) {
    std::lock_guard lock(mutex);
    routes.push_back(r.route);
  };
  RunningServer server(options, [&](Request& request) {
    if (request.path != "/slow") return text_response(200, "quick");
    Response response;
    response.route = "GET /slow";
    response.deferred = std::make_shared<DeferredResponse>([&] {
      finished_on = std::this_thread::get_id();
      return text_response(201, "finished");
    });
    std::lock_guard lock(mutex);
    waiting = response.deferred;
    return response;
  });
  RawSocket slow(server.port());
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (int i = 0; i < 200; ++i) {
    std::lock_guard lock(mutex);
    if (waiting) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // While /slow waits, the same (only) I/O thread answers another request.
  RawSocket quick(server.port());
  ASSERT_TRUE(quick.send("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(quick.read_response()), "quick");
  std::shared_ptr<DeferredResponse> deferred;
  {
    std::lock_guard lock(mutex);
    deferred = waiting;
  }
  ASSERT_NE(deferred, nullptr);
  std::thread([deferred] { deferred->complete(); }).join();
  const std::string response = slow.read_response();
  EXPECT_EQ(status_line_of(response), "HTTP/1.1 201 Created");
  EXPECT_EQ(body_of(response), "finished");
  EXPECT_EQ(finished_on, server.run_thread_id());
  std::lock_guard lock(mutex);
  EXPECT_NE(std::find(routes.begin(), routes.end(), "GET /slow"), routes.end());
}

// Completed before the server waits (the work finished at once): answered
// all the same.
TEST(HttpServer, DeferredResponseCompletedBeforeTheWaitIsAnswered) {
  RunningServer server(small_options(), [&](Request&) {
    Response response;
    response.deferred = std::make_shared<DeferredResponse>([] { return text_response(200, "done"); });
    response.deferred->complete();
    return response;
  });
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(socket.read_response()), "done");
}

}  // namespace
}  // namespace dispotify::net
