#include "cluster/peer_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "net/net_test_util.h"

namespace dispotify::cluster {
namespace {

using Clock = std::chrono::steady_clock;
using net::testing::RunningServer;
using net::testing::small_options;

uint64_t ms_since(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

net::Response answer(int status, std::string body = "") {
  net::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Answers with statuses from a script (the last one repeats) and counts requests.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<int> statuses, uint64_t delay_ms = 0)
      : statuses_(std::move(statuses)), server_(small_options(), [this, delay_ms](net::Request&) {
          const size_t n = requests_.fetch_add(1);
          if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
          return answer(statuses_[std::min(n, statuses_.size() - 1)], "served");
        }) {}
  std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  size_t requests() const { return requests_.load(); }

 private:
  std::vector<int> statuses_;
  std::atomic<size_t> requests_{0};
  RunningServer server_;
};

// Nothing listens there once the probe server is gone.
std::string dead_address() {
  auto server = std::make_unique<RunningServer>(small_options(), [](net::Request&) { return answer(200); });
  const std::string address = "127.0.0.1:" + std::to_string(server->port());
  server.reset();
  return address;
}

net::ClientRequest get_request() {
  net::ClientRequest request;
  request.method = "POST";
  request.target = "/peer/v1/forward";
  request.body = std::string("payload");
  request.connect_timeout_ms = 500;
  request.io_timeout_ms = 500;
  return request;
}

RetryPolicy quick_policy(uint64_t deadline_ms = 2'000) {
  RetryPolicy policy;
  policy.deadline_ms = deadline_ms;
  policy.backoff_base_ms = 5;
  policy.backoff_cap_ms = 20;
  return policy;
}

TEST(ParsePeerAddress, AcceptsHostPortAndBracketedV6) {
  auto v4 = parse_peer_address("10.0.0.7:4534");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "10.0.0.7");
  EXPECT_EQ(v4->port, 4534);
  auto name = parse_peer_address("node-b.local:1");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->host, "node-b.local");
  auto v6 = parse_peer_address("[::1]:65535");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
}

TEST(ParsePeerAddress, RefusesEverythingElse) {
  for (const char* bad : {"", "host", ":4534", "host:", "host:0", "host:65536", "host:99999999999",
                          "host:12a", "host:+1", "::1:4534", "[::1:4534", "[]:4534", "host:-1"}) {
    auto parsed = parse_peer_address(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code, Errc::invalid_argument) << bad;
    }
  }
}

TEST(PeerClient, SkipsADeadPeerAndReturnsTheFirstAnswer) {
  ScriptedServer alive({200});
  PeerClient client(1);
  auto response = client.call({dead_address(), alive.address()}, get_request(), quick_policy());
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "served");
  EXPECT_EQ(alive.requests(), 1u);
}

TEST(PeerClient, Retries503UntilAnAnswer) {
  ScriptedServer busy({503, 503, 201});
  PeerClient client(2);
  auto response = client.call({busy.address()}, get_request(), quick_policy());
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(busy.requests(), 3u);
}

TEST(PeerClient, NeverRetriesOtherStatuses) {
  for (const int status : {400, 404, 409, 500, 502}) {
    ScriptedServer server({status, 200});
    ScriptedServer second({200});
    PeerClient client(3);
    auto response = client.call({server.address(), second.address()}, get_request(), quick_policy());
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(server.requests(), 1u);
    EXPECT_EQ(second.requests(), 0u);
  }
}

TEST(PeerClient, GivesUpAtTheDeadlineWithTheLastError) {
  PeerClient client(4);
  const auto start = Clock::now();
  auto response = client.call({dead_address(), dead_address()}, get_request(), quick_policy(300));
  const uint64_t elapsed_ms = ms_since(start);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, Errc::unavailable);
  EXPECT_NE(response.error().message.find("gave up after"), std::string::npos) << response.error().message;
  EXPECT_GE(elapsed_ms, 250u);
  EXPECT_LT(elapsed_ms, 1'000u);
}

TEST(PeerClient, ReturnsTheLast503WhenThePeerStaysBusy) {
  ScriptedServer busy({503});
  PeerClient client(5);
  auto response = client.call({busy.address()}, get_request(), quick_policy(200));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 503);
  EXPECT_GE(busy.requests(), 2u);
}

// A busy answer that arrives with too little of the deadline left for
// another attempt is the answer: a retry cut to a few milliseconds would only
// time out, and for a POST that timeout would hide the 503.
TEST(PeerClient, StartsNoAttemptItHasNoTimeFor) {
  ScriptedServer busy({503}, 90);
  PeerClient client(9);
  auto response = client.call({busy.address()}, get_request(), quick_policy(100));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(busy.requests(), 1u);
}

TEST(PeerClient, RetriesATimeoutOnlyWhenIdempotent) {
  ScriptedServer slow({200}, 200);
  net::ClientRequest request = get_request();
  request.io_timeout_ms = 50;
  PeerClient client(6);
  auto once = client.call({slow.address()}, request, quick_policy(300));
  ASSERT_FALSE(once.ok());
  EXPECT_EQ(once.error().code, Errc::timeout);
  EXPECT_EQ(slow.requests(), 1u);

  RetryPolicy idempotent = quick_policy(300);
  idempotent.idempotent = true;
  auto retried = client.call({slow.address()}, request, idempotent);
  ASSERT_FALSE(retried.ok());
  EXPECT_EQ(retried.error().code, Errc::timeout);
  EXPECT_GE(slow.requests(), 3u);
}

TEST(PeerClient, RefusesBadAddressesAtOnce) {
  PeerClient client(7);
  auto empty = client.call({}, get_request(), quick_policy());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
  auto bad = client.call({"127.0.0.1:1", "nonsense"}, get_request(), quick_policy());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_NE(bad.error().message.find("nonsense"), std::string::npos);
}

TEST(PeerClient, ManyThreadsShareOneClient) {
  ScriptedServer a({200});
  ScriptedServer b({200});
  PeerClient client(8);
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const std::vector<std::string> order =
            (t + i) % 2 == 0 ? std::vector{a.address(), b.address()} : std::vector{b.address(), a.address()};
        auto response = client.call(order, get_request(), quick_policy());
        if (response.ok() && response->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kCallsPerThread);
  EXPECT_EQ(a.requests() + b.requests(), static_cast<size_t>(kThreads * kCallsPerThread));
}

}  // namespace
}  // namespace dispotify::cluster
