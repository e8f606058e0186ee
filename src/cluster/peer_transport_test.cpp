#include "cluster/peer_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "base/unique_fd.h"
#include "cluster/node_id.h"
#include "cluster/raft_codec.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/net_test_util.h"

namespace dispotify::cluster {
namespace {

using Clock = std::chrono::steady_clock;
using raft::Message;
using raft::NodeId;

constexpr NodeId kSelf{1};
constexpr NodeId kPeer{2};
constexpr NodeId kOtherPeer{3};
constexpr uint64_t kWaitMsMax = 5'000;  // for things that take milliseconds when they work

// Polls `done` until it holds or kWaitMsMax passes.
bool wait_until(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(kWaitMsMax);
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

uint64_t ms_since(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// The context numbers the messages, so order can be checked at the receiver.
Message numbered(NodeId to, uint64_t n) {
  return Message{kSelf, to, raft::Term(4), raft::ReadIndexRequest{n}};
}

std::vector<Message> numbered_range(NodeId to, uint64_t first, uint64_t count) {
  std::vector<Message> out;
  for (uint64_t n = first; n < first + count; ++n) out.push_back(numbered(to, n));
  return out;
}

// What one receiving node got.
class Inbox {
 public:
  DeliverFn deliver() {
    return [this](std::vector<Message> batch) {
      std::lock_guard lock(mutex_);
      ++batches_;
      for (Message& m : batch) messages_.push_back(std::move(m));
    };
  }
  std::vector<uint64_t> numbers() const {
    std::lock_guard lock(mutex_);
    std::vector<uint64_t> out;
    for (const Message& m : messages_) out.push_back(std::get<raft::ReadIndexRequest>(m.payload).context);
    return out;
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }
  size_t batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Message> messages_;
  size_t batches_ = 0;
};

// A node's peer port: an HttpServer serving handle_raft_post, on a chosen
// port (0 = any) so a test can stop a peer and bring it back on the same one.
class PeerServer {
 public:
  PeerServer(Inbox& inbox, NodeId self, uint16_t port = 0, std::string cluster_id = "")
      : server_(options(port), [&inbox, self, cluster_id](net::Request& request) {
          return handle_raft_post(request, RaftReceiveOptions{self, cluster_id}, inbox.deliver());
        }) {
    const Status started = server_.start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    thread_ = std::thread([this] { server_.run(); });
  }
  ~PeerServer() {
    server_.stop();
    thread_.join();
  }
  uint16_t port() const { return server_.port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }

 private:
  static net::ServerOptions options(uint16_t port) {
    net::ServerOptions options = net::testing::small_options();
    options.port = port;
    options.shutdown_grace_ms = 200;
    return options;
  }
  net::HttpServer server_;
  std::thread thread_;
};

// The peers' addresses, changeable while the transport runs.
class AddressBook {
 public:
  void set(NodeId id, std::string address) {
    std::lock_guard lock(mutex_);
    addresses_[id] = std::move(address);
  }
  PeerAddressFn fn() {
    return [this](NodeId id) -> std::optional<std::string> {
      std::lock_guard lock(mutex_);
      auto it = addresses_.find(id);
      if (it == addresses_.end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::mutex mutex_;
  std::map<NodeId, std::string> addresses_;
};

// A port on 127.0.0.1 where nothing listens: connecting is refused at once.
uint16_t refused_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t size = sizeof address;
  EXPECT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size), 0);
  return ntohs(address.sin_port);
}

// A port that listens but never accepts, with its accept queue already full:
// the kernel drops further SYNs, so a connect hangs until its timeout.
class Blackhole {
 public:
  Blackhole() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_.get(), 0), 0);
    socklen_t size = sizeof address;
    EXPECT_EQ(::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
    filler_ = std::make_unique<net::testing::RawSocket>(port_);
  }
  uint16_t port() const { return port_; }

 private:
  UniqueFd fd_;
  uint16_t port_ = 0;
  std::unique_ptr<net::testing::RawSocket> filler_;
};

PeerTransportOptions fast_options() {
  PeerTransportOptions options;
  options.connect_timeout_ms = 300;
  options.io_timeout_ms = 1'000;
  options.backoff_base_ms = 5;
  options.backoff_cap_ms = 50;
  options.random_seed = 7;
  return options;
}

PeerTransport::PeerStatus status_of(const PeerTransport& transport, NodeId id) {
  for (const auto& status : transport.status()) {
    if (status.id == id) return status;
  }
  return PeerTransport::PeerStatus{};
}

TEST(PeerTransport, DeliversInOrderPerPeerInBatches) {
  Inbox inbox2;
  Inbox inbox3;
  PeerServer server2(inbox2, kPeer, 0, "cluster-a");
  PeerServer server3(inbox3, kOtherPeer, 0, "cluster-a");
  AddressBook book;
  book.set(kPeer, server2.address());
  book.set(kOtherPeer, server3.address());
  PeerTransportOptions options = fast_options();
  options.cluster_id = "cluster-a";
  options.batch_bytes_max = 4'096;  // forces many POSTs
  PeerTransport transport(kSelf, options, book.fn());
  constexpr uint64_t kCount = 2'000;
  for (uint64_t first = 0; first < kCount; first += 100) {
    std::vector<Message> mixed = numbered_range(kPeer, first, 100);
    for (Message& m : numbered_range(kOtherPeer, first, 100)) mixed.push_back(std::move(m));
    transport.send(std::move(mixed));
  }
  ASSERT_TRUE(wait_until([&] { return inbox2.size() == kCount && inbox3.size() == kCount; }))
      << inbox2.size() << " " << inbox3.size();
  std::vector<uint64_t> expected(kCount);
  for (uint64_t i = 0; i < kCount; ++i) expected[i] = i;
  EXPECT_EQ(inbox2.numbers(), expected);
  EXPECT_EQ(inbox3.numbers(), expected);
  EXPECT_GT(inbox2.batches(), 10u);  // 2000 messages of 45 bytes in 4 KiB batches
  ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).messages_sent == kCount; }));
  const auto status = status_of(transport, kPeer);
  EXPECT_TRUE(status.reachable);
  EXPECT_EQ(status.consecutive_failures, 0u);
  EXPECT_EQ(status.messages_dropped, 0u);
  EXPECT_GT(status.last_success_unix_ms, 0u);
  EXPECT_EQ(transport.status().size(), 2u);
}

TEST(PeerTransport, PeerDownDropsMessagesWithoutBlockingTheCaller) {
  AddressBook book;
  book.set(kPeer, "127.0.0.1:" + std::to_string(refused_port()));
  PeerTransportOptions options = fast_options();
  options.queue_messages_max = 100;
  PeerTransport transport(kSelf, options, book.fn());
  constexpr uint64_t kCount = 10'000;
  const auto start = Clock::now();
  for (uint64_t first = 0; first < kCount; first += 100) transport.send(numbered_range(kPeer, first, 100));
  EXPECT_LT(ms_since(start), 1'000u);  // microseconds in practice; nothing waits for the network
  // Every message is accounted for: dropped (overflow or failed batch) or still queued.
  auto accounted = [&](uint64_t failures, uint64_t count) -> ::testing::AssertionResult {
    if (wait_until([&] {
          const auto s = status_of(transport, kPeer);
          return s.consecutive_failures >= failures && s.messages_dropped + s.queued_messages == count;
        })) {
      return ::testing::AssertionSuccess();
    }
    const auto s = status_of(transport, kPeer);
    return ::testing::AssertionFailure() << s.consecutive_failures << " failures, " << s.messages_dropped
                                         << " dropped, " << s.queued_messages << " queued";
  };
  ASSERT_TRUE(accounted(1, kCount));
  // The sender keeps retrying (after its backoff) as long as there is traffic.
  transport.send({numbered(kPeer, kCount)});
  ASSERT_TRUE(accounted(2, kCount + 1));
  const auto status = status_of(transport, kPeer);
  EXPECT_FALSE(status.reachable);
  EXPECT_EQ(status.messages_sent, 0u);
  EXPECT_LE(status.queued_messages, options.queue_messages_max);
  EXPECT_LE(status.backoff_ms, options.backoff_cap_ms);
  EXPECT_EQ(status.last_success_unix_ms, 0u);
}

TEST(PeerTransport, UnknownAddressCountsAsFailure) {
  AddressBook book;  // knows nobody
  PeerTransport transport(kSelf, fast_options(), book.fn());
  transport.send({numbered(kPeer, 1)});
  ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).messages_dropped == 1; }));
  EXPECT_GE(status_of(transport, kPeer).consecutive_failures, 1u);
  EXPECT_EQ(status_of(transport, kPeer).last_error, "the address of the peer is unknown");
}

// Sends one numbered message every few milliseconds until `inbox` has one,
// i.e. until the backoff after the outage has run out and a POST went through.
void send_until_delivered(PeerTransport& transport, Inbox& inbox, uint64_t& next) {
  ASSERT_TRUE(wait_until([&] {
    transport.send({numbered(kPeer, next++)});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return inbox.size() > 0;
  }));
}

TEST(PeerTransport, DeliveryResumesWhenThePeerComesBack) {
  Inbox before;
  Inbox after;  // outlives every server that delivers into it
  auto server = std::make_unique<PeerServer>(before, kPeer);
  const uint16_t port = server->port();
  AddressBook book;
  book.set(kPeer, server->address());
  PeerTransport transport(kSelf, fast_options(), book.fn());
  transport.send(numbered_range(kPeer, 0, 10));
  ASSERT_TRUE(wait_until([&] { return before.size() == 10; }));

  server.reset();  // the peer goes down; the kept-alive connection dies with it
  transport.send(numbered_range(kPeer, 10, 10));
  ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).consecutive_failures >= 1; }));
  EXPECT_FALSE(status_of(transport, kPeer).reachable);

  server = std::make_unique<PeerServer>(after, kPeer, port);  // back, same address
  uint64_t next = 100;
  send_until_delivered(transport, after, next);
  const auto numbers = after.numbers();
  EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end()));
  EXPECT_TRUE(wait_until([&] { return status_of(transport, kPeer).reachable; }));
  EXPECT_EQ(status_of(transport, kPeer).consecutive_failures, 0u);
  EXPECT_EQ(status_of(transport, kPeer).backoff_ms, 0u);
}

TEST(PeerTransport, FindsAPeerThatMovedToAnotherPort) {
  Inbox old_home;
  auto old_server = std::make_unique<PeerServer>(old_home, kPeer);
  AddressBook book;
  book.set(kPeer, old_server->address());
  PeerTransport transport(kSelf, fast_options(), book.fn());
  transport.send({numbered(kPeer, 0)});
  ASSERT_TRUE(wait_until([&] { return old_home.size() == 1; }));

  old_server.reset();
  Inbox new_home;
  PeerServer new_server(new_home, kPeer);
  book.set(kPeer, new_server.address());
  uint64_t next = 1;
  send_until_delivered(transport, new_home, next);
  EXPECT_EQ(old_home.size(), 1u);
}

TEST(PeerTransport, ReceiverRefusesMessagesForAnotherNodeOrCluster) {
  Inbox inbox;
  PeerServer node3(inbox, kOtherPeer, 0, "cluster-a");
  AddressBook book;
  book.set(kPeer, node3.address());  // stale: node 3 now has node 2's address
  book.set(kOtherPeer, node3.address());
  PeerTransportOptions options = fast_options();
  options.cluster_id = "cluster-a";
  {
    PeerTransport transport(kSelf, options, book.fn());
    transport.send({numbered(kPeer, 0)});
    ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).messages_dropped == 1; }));
    EXPECT_NE(status_of(transport, kPeer).last_error.find("answered 409"), std::string::npos)
        << status_of(transport, kPeer).last_error;
  }
  options.cluster_id = "cluster-b";
  {
    PeerTransport transport(kSelf, options, book.fn());
    transport.send({numbered(kOtherPeer, 0)});
    ASSERT_TRUE(wait_until([&] { return status_of(transport, kOtherPeer).messages_dropped == 1; }));
    EXPECT_NE(status_of(transport, kOtherPeer).last_error.find("answered 403"), std::string::npos)
        << status_of(transport, kOtherPeer).last_error;
  }
  EXPECT_EQ(inbox.size(), 0u);
}

TEST(PeerTransport, DestructorIsBoundedWhileAPeerIsABlackhole) {
  Blackhole blackhole;
  AddressBook book;
  book.set(kPeer, "127.0.0.1:" + std::to_string(blackhole.port()));
  PeerTransportOptions options = fast_options();
  options.connect_timeout_ms = 200;
  options.io_timeout_ms = 200;
  auto transport = std::make_unique<PeerTransport>(kSelf, options, book.fn());
  transport->send(numbered_range(kPeer, 0, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the sender is inside connect()
  const auto start = Clock::now();
  transport.reset();
  // At most the POST in flight: connect_timeout_ms + io_timeout_ms.
  EXPECT_LT(ms_since(start), 1'000u);
}

TEST(PeerTransport, DestructorDoesNotWaitOutABackoff) {
  AddressBook book;
  book.set(kPeer, "127.0.0.1:" + std::to_string(refused_port()));
  PeerTransportOptions options = fast_options();
  options.backoff_base_ms = 60'000;
  options.backoff_cap_ms = 60'000;
  auto transport = std::make_unique<PeerTransport>(kSelf, options, book.fn());
  // Full jitter can draw a short wait; keep sending until the thread sits in a long one.
  ASSERT_TRUE(wait_until([&] {
    transport->send({numbered(kPeer, 0)});
    return status_of(*transport, kPeer).backoff_ms > 5'000;
  }));
  const auto start = Clock::now();
  transport.reset();
  EXPECT_LT(ms_since(start), 500u);
}

TEST(PeerTransport, ForgetStopsThePeerAndDropsItsQueue) {
  AddressBook book;
  book.set(kPeer, "127.0.0.1:" + std::to_string(refused_port()));
  PeerTransport transport(kSelf, fast_options(), book.fn());
  transport.send(numbered_range(kPeer, 0, 50));
  ASSERT_EQ(transport.status().size(), 1u);
  const auto start = Clock::now();
  transport.forget(kPeer);
  EXPECT_LT(ms_since(start), 100u);  // does not wait for the thread
  EXPECT_TRUE(transport.status().empty());
  transport.forget(kPeer);  // unknown peer: nothing to do

  // Sending again starts over with fresh counters.
  Inbox inbox;
  PeerServer server(inbox, kPeer);
  book.set(kPeer, server.address());
  transport.send({numbered(kPeer, 7)});
  ASSERT_TRUE(wait_until([&] { return inbox.size() == 1; }));
  EXPECT_EQ(inbox.numbers(), std::vector<uint64_t>{7});
  ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).messages_sent == 1; }));
  EXPECT_EQ(status_of(transport, kPeer).messages_dropped, 0u);
}

TEST(PeerTransport, SendsItsIdAndClusterInHeaders) {
  std::mutex mutex;
  std::vector<std::string> froms;
  std::vector<std::string> clusters;
  net::testing::RunningServer server(net::testing::small_options(), [&](net::Request& request) {
    std::lock_guard lock(mutex);
    froms.emplace_back(request.header(kFromHeader).value_or(""));
    clusters.emplace_back(request.header(kClusterHeader).value_or(""));
    net::Response response;
    response.status = 204;
    return response;
  });
  AddressBook book;
  book.set(kPeer, "127.0.0.1:" + std::to_string(server.port()));
  PeerTransportOptions options = fast_options();
  options.cluster_id = "c1";
  PeerTransport transport(kSelf, options, book.fn());
  transport.send({numbered(kPeer, 0)});
  ASSERT_TRUE(wait_until([&] { return status_of(transport, kPeer).messages_sent == 1; }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(froms, std::vector<std::string>{node_id_hex(kSelf)});
  EXPECT_EQ(clusters, std::vector<std::string>{"c1"});
}

TEST(PeerTransportDeathTest, SendingAsAnotherNodeIsABug) {
  AddressBook book;
  EXPECT_DEATH(
      {
        PeerTransport transport(kSelf, fast_options(), book.fn());
        transport.send({Message{kPeer, kOtherPeer, raft::Term(1), raft::TimeoutNow{}}});
      },
      "sending a message from node 2 as node 1");
}

// ---- handle_raft_post, without sockets ----------------------------------------

// A request body held in memory, read in slices; with `repeat` it yields
// that many copies of `bytes` without holding them all (a huge chunked body).
class FakeBody : public net::BodyReader {
 public:
  FakeBody(std::string bytes, std::optional<uint64_t> length, size_t repeat = 1)
      : bytes_(std::move(bytes)), length_(length), repeat_(repeat) {}
  Result<size_t> read(std::span<char> buffer) override {
    if (repeat_ == 0 || bytes_.empty()) return size_t{0};
    const size_t n = std::min(buffer.size(), bytes_.size() - offset_);
    std::memcpy(buffer.data(), bytes_.data() + offset_, n);
    offset_ += n;
    if (offset_ == bytes_.size()) {
      offset_ = 0;
      --repeat_;
    }
    ++reads_;
    return n;
  }
  std::optional<uint64_t> content_length() const override { return length_; }
  size_t reads() const { return reads_; }

 private:
  std::string bytes_;
  std::optional<uint64_t> length_;
  size_t repeat_;
  size_t offset_ = 0;
  size_t reads_ = 0;
};

struct Posted {
  net::Response response;
  std::vector<Message> delivered;
  bool called = false;
};

Posted post(std::string method, std::vector<net::Header> headers, FakeBody& body,
            const RaftReceiveOptions& options = RaftReceiveOptions{kPeer, "c1"}) {
  net::Request request;
  request.method = std::move(method);
  request.target = request.path = std::string(kRaftPostTarget);
  request.headers = std::move(headers);
  request.body = &body;
  Posted out;
  out.response = handle_raft_post(request, options, [&](std::vector<Message> messages) {
    out.called = true;
    out.delivered = std::move(messages);
  });
  return out;
}

std::vector<net::Header> good_headers(NodeId from = kSelf) {
  return {{"X-Dispotify-From", node_id_hex(from)}, {"X-Dispotify-Cluster", "c1"}};
}

std::string body_text(const net::Response& response) { return std::get<std::string>(response.body); }

void expect_error(const Posted& posted, int status, std::string_view code, std::string_view message_part) {
  EXPECT_EQ(posted.response.status, status) << body_text(posted.response);
  EXPECT_FALSE(posted.called);
  const std::string body = body_text(posted.response);
  EXPECT_NE(body.find("{\"error\":{\"code\":\"" + std::string(code) + "\",\"message\":"), std::string::npos)
      << body;
  EXPECT_NE(body.find(message_part), std::string::npos) << body;
  bool json = false;
  for (const auto& h : posted.response.headers)
    json = json || (h.name == "Content-Type" && h.value == "application/json");
  EXPECT_TRUE(json);
}

TEST(HandleRaftPost, DeliversAValidBatchAndAnswers204) {
  const std::vector<Message> sent = numbered_range(kPeer, 0, 3);
  const std::string batch = encode_batch(sent);
  FakeBody body(batch, batch.size());
  const Posted posted = post("POST", good_headers(), body);
  EXPECT_EQ(posted.response.status, 204);
  EXPECT_EQ(posted.response.route, "POST /peer/v1/raft");
  ASSERT_TRUE(posted.called);
  ASSERT_EQ(posted.delivered.size(), 3u);
  EXPECT_EQ(std::get<raft::ReadIndexRequest>(posted.delivered[2].payload).context, 2u);
}

TEST(HandleRaftPost, RefusesOtherMethods) {
  FakeBody body("", 0);
  const Posted posted = post("GET", good_headers(), body);
  expect_error(posted, 405, "invalid_argument", "use POST");
  EXPECT_EQ(posted.response.headers.front().name, "Content-Type");
  bool allow = false;
  for (const auto& h : posted.response.headers) allow = allow || (h.name == "Allow" && h.value == "POST");
  EXPECT_TRUE(allow);
}

TEST(HandleRaftPost, RefusesAnotherClusterOrNone) {
  const std::string batch = encode_batch(numbered_range(kPeer, 0, 1));
  FakeBody body(batch, batch.size());
  expect_error(post("POST", {{"X-Dispotify-From", node_id_hex(kSelf)}, {"X-Dispotify-Cluster", "c2"}}, body),
               403, "permission_denied", "cluster 'c1'");
  expect_error(post("POST", {{"X-Dispotify-From", node_id_hex(kSelf)}}, body), 403, "permission_denied",
               "c1");
  // Without an expected cluster id any (or no) cluster header is accepted.
  const Posted open =
      post("POST", {{"X-Dispotify-From", node_id_hex(kSelf)}}, body, RaftReceiveOptions{kPeer, ""});
  EXPECT_EQ(open.response.status, 204);
}

TEST(HandleRaftPost, RefusesAMissingOrLyingSender) {
  const std::string batch = encode_batch(numbered_range(kPeer, 0, 2));
  FakeBody body(batch, batch.size());
  expect_error(post("POST", {{"X-Dispotify-Cluster", "c1"}}, body), 400, "invalid_argument",
               "missing X-Dispotify-From");
  expect_error(post("POST", {{"X-Dispotify-From", "zz"}, {"X-Dispotify-Cluster", "c1"}}, body), 400,
               "invalid_argument", "X-Dispotify-From: a node id is 16 hex digits");
  FakeBody body2(batch, batch.size());
  expect_error(post("POST", good_headers(kOtherPeer), body2), 400, "invalid_argument",
               "message 0 is from 0000000000000001 but the request is from 0000000000000003");
}

TEST(HandleRaftPost, RefusesMessagesForAnotherNodeWith409) {
  const std::string batch = encode_batch(numbered_range(kOtherPeer, 0, 1));
  FakeBody body(batch, batch.size());
  expect_error(post("POST", good_headers(), body), 409, "conflict",
               "message 0 is for node 0000000000000003; this is node 0000000000000002");
}

TEST(HandleRaftPost, MalformedBodyIs400WithThePreciseReason) {
  std::string batch = encode_batch(numbered_range(kPeer, 0, 1));
  batch.push_back('x');
  FakeBody body(batch, batch.size());
  expect_error(post("POST", good_headers(), body), 400, "invalid_argument",
               "1 trailing bytes after the last message");
  FakeBody garbage("hello", 5);
  expect_error(post("POST", good_headers(), garbage), 400, "invalid_argument", "batch header");
}

TEST(HandleRaftPost, BodyOverTheLimitIs413WithoutReadingIt) {
  FakeBody declared("x", kRaftBatchBytesMax + 1);
  expect_error(post("POST", good_headers(), declared), 413, "too_large", "at most");
  EXPECT_EQ(declared.reads(), 0u);
  // Chunked (no Content-Length): cut off as soon as it passes the limit.
  FakeBody chunked(std::string(1 << 20, '\0'), std::nullopt, kRaftBatchBytesMax / (1 << 20) + 4);
  expect_error(post("POST", good_headers(), chunked), 413, "too_large", "at most");
  EXPECT_LE(chunked.reads(), (kRaftBatchBytesMax + (2 << 20)) / (64 * 1024));
}

TEST(HandleRaftPost, OverRealHttp) {
  Inbox inbox;
  PeerServer server(inbox, kPeer, 0, "c1");
  net::ClientRequest request;
  request.method = "POST";
  request.port = server.port();
  request.target = std::string(kRaftPostTarget);
  request.headers = good_headers();
  request.body = std::string("not a batch");
  auto bad = net::request(request);
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("not a Raft message batch"), std::string::npos) << bad->body;
  request.body = encode_batch(numbered_range(kPeer, 0, 5));
  auto good = net::request(request);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->status, 204);
  EXPECT_EQ(inbox.size(), 5u);
}

}  // namespace
}  // namespace dispotify::cluster
