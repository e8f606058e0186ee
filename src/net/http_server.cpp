// HttpServer: the accept loop, the per-connection session coroutine, and the
// bridge between the session (its event loop) and the handler (worker).
//
// Threading: one event loop (io_context) per I/O thread, run by that thread
// alone, as nginx runs one event loop per worker process. The accept loop
// deals new connections to the loops in turn; a session lives on one loop,
// so its stream, parser and buffers are touched by one thread at a time
// without a strand, and answering a request wakes no other thread (a shared
// io_context cost a futex wake-up and a context switch per request). A
// handler runs on the worker pool while its session coroutine is suspended
// awaiting it; the only session state the worker touches is through
// BodyReader::read, which posts a coroutine onto the session's loop and
// blocks until it ends. Small bodies (up to kSmallBodyBytesMax, with a
// Content-Length) that have already arrived are read on the loop before the
// handler runs, and the handler reads them from memory.
#include "net/http_server.h"

#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "base/log.h"
#include "base/thread_name.h"
#include "net/address_limiter.h"
#include "net/connection_deadline.h"
#include "net/http_wire.h"
#include "net/tls_stream.h"

namespace dispotify::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Largest slice of request body handed to the handler per BodyReader::read.
// Each read is a round trip between the worker and the I/O thread: an
// upload at hundreds of MB/s wants few of them (docs/BENCHMARKS.md 6).
constexpr size_t kBodyReadBytesMax = 256 * 1024;
// A body of at most this many bytes, with a declared length, that has
// arrived whole is read on the I/O thread before the handler runs
// (Session::read_small_body).
constexpr uint64_t kSmallBodyBytesMax = 64 * 1024;
// The whole of a small body awaited before an inline handler: past it the
// connection is closed, as for any body read that times out.
constexpr uint64_t kSmallBodyWholeMs = 10'000;
// Beast reads at most this much per system call (its own cap) and at most
// the buffer's free capacity (512 bytes when it is fresh).
constexpr size_t kSocketReadBytes = 64 * 1024;
// Bytes asked of a ChunkSource per read, and so the largest chunk we send.
constexpr size_t kChunkSourceBytes = 64 * 1024;
// File bodies up to this size are copied behind the head (write_small_file).
constexpr uint64_t kCopiedFileBodyBytesMax = 4096;
// Largest single sendfile(2) call, so one response cannot hog the I/O thread.
constexpr size_t kSendfileBytesMax = 1 << 20;
// A worker blocked in BodyReader::read gives up this long after the body read
// timeout, in case the io_context is no longer running to enforce it.
constexpr uint64_t kBodyReadBackstopMs = 2'000;
// After answering a request whose body we did not read, we half-close and
// discard what the client still sends for a little while, so that closing
// does not reset the connection before the client has read our response.
constexpr size_t kLingerBytesMax = 1 << 20;
constexpr uint64_t kLingerTimeoutMs = 500;
// Connections taken from the listen queue per wake-up of the accept loop.
constexpr size_t kAcceptBatchMax = 64;

std::chrono::milliseconds ms(uint64_t value) { return std::chrono::milliseconds(value); }

// Reads all of `dest` from `fd` at `offset`; false (logged) when the file
// ends first or cannot be read.
bool read_file_exactly(int fd, std::span<char> dest, uint64_t offset) {
  size_t got = 0;
  while (got < dest.size()) {
    const ssize_t n = ::pread(fd, dest.data() + got, dest.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      log::error("file body shorter than its declared length", {{"missing_bytes", dest.size() - got}});
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string ip = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return ip + ":" + std::to_string(endpoint.port());
}

// True for errors of the HTTP parser (as opposed to the socket).
bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

Error body_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return make_error(Errc::timeout, "request body read timed out");
  if (ec == http::error::body_limit) return make_error(Errc::too_large, "request body too large");
  if (is_http_error(ec) && ec != http::error::partial_message) {
    return make_error(Errc::invalid_argument, "malformed request body: " + ec.message());
  }
  return make_error(Errc::io_error, "reading request body: " + ec.message());
}

std::optional<uint64_t> parse_content_length(const std::vector<Header>& headers) {
  for (const auto& h : headers) {
    if (!iequals(h.name, "Content-Length")) continue;
    uint64_t value = 0;
    if (h.value.empty() || h.value.size() > 19) return std::nullopt;
    for (const char c : h.value) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
  }
  return std::nullopt;
}

thread_local bool t_handler_is_inline = false;

Response call_handler(const Handler& handler, Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log::error("http handler threw", {{"path", request.path}, {"what", e.what()}});
  } catch (...) {
    log::error("http handler threw a non-exception", {{"path", request.path}});
  }
  return error_response(500, "internal", "internal server error");
}

class Session;

struct ServerState {
  ServerState(ServerOptions o, Handler h)
      : options(std::move(o)),
        handler(std::move(h)),
        loops(make_loops(options.io_threads)),
        loop_guards(guard_loops(loops)),
        control(asio::make_strand(*loops.front())),
        acceptor(control),
        grace_timer(control),
        workers(options.worker_threads) {}

  // Accepts on `on` (bound to one loop) and deals the new connections to
  // the loops in turn.
  asio::awaitable<void> accept_loop(tcp::acceptor& on);
  void admit(tcp::socket socket);  // on any loop
  static void refuse(tcp::socket& socket, std::string_view message);
  enum class Registration { registered, full, stopping };
  Registration register_session(Session* session);
  void unregister_session(Session* session);
  void begin_shutdown();  // on the acceptor strand
  void release_loops();   // on the acceptor strand: no session left, let run() return
  void stop_loops();
  asio::io_context& next_loop();  // any thread
  void close_acceptors();         // on the acceptor strand

  using LoopGuard = asio::executor_work_guard<asio::io_context::executor_type>;
  static std::vector<std::unique_ptr<asio::io_context>> make_loops(size_t count) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    // Concurrency hint 1: each loop is run by one thread only.
    for (size_t i = 0; i < count; ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }
  static std::vector<LoopGuard> guard_loops(const std::vector<std::unique_ptr<asio::io_context>>& of) {
    std::vector<LoopGuard> guards;
    for (const auto& loop : of) guards.push_back(asio::make_work_guard(*loop));
    return guards;
  }

  // Declaration order matters for destruction: the worker pool goes first
  // (joined), then the I/O objects, then the loops, which destroy suspended
  // session frames that still unregister from `sessions`.
  const ServerOptions options;
  const Handler handler;
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};  // ~HttpServer: post nothing more
  std::mutex mutex;
  std::unordered_set<Session*> sessions;                                // guarded by mutex
  AddressLimiter address_limiter{options.connections_per_address_max};  // outlives the sessions' slots
  std::atomic<uint16_t> bound_port{0};
  std::vector<std::unique_ptr<asio::io_context>> loops;  // one per I/O thread
  // Keep a loop running while it has no session yet (and the accept loop
  // waits on loops[0]); dropped once shutdown has no session left.
  std::vector<LoopGuard> loop_guards;  // touched on the acceptor strand only
  std::atomic<size_t> next_loop_index{0};
  // Serializes the accept loop and shutdown (on loops[0]); the acceptor and
  // the timer are used on it only.
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  // The same listening socket (dup(2)) watched by every other loop too, so
  // that a new client waits for whichever loop is free first, not for the
  // one whose connections are busiest.
  std::vector<std::unique_ptr<tcp::acceptor>> more_acceptors;
  asio::steady_timer grace_timer;  // shutdown grace
  asio::thread_pool workers;
  // Deferred responses (net/deferred_response.h) whose completion has not
  // been posted to its loop yet: the loops must outlive those posts.
  std::mutex deferred_mutex;
  std::condition_variable deferred_posted;
  size_t deferred_pending = 0;  // guarded by deferred_mutex
  void wait_for_deferred_posts();
};

// One pending BodyReader::read: filled on the session's loop, waited on by
// the worker. Shared so that a worker that gave up can leave it behind.
// A session keeps its last one for the next read (no allocation per slice).
struct PendingRead {
  explicit PendingRead(size_t capacity)
      : bytes(std::make_unique_for_overwrite<char[]>(capacity)), capacity(capacity) {}
  std::span<char> slice() { return {bytes.get(), wanted}; }

  std::unique_ptr<char[]> bytes;  // not zeroed: only what a read filled is copied out
  const size_t capacity;
  size_t wanted = 0;  // this read's size, at most capacity
  std::mutex mutex;
  std::condition_variable done_cv;
  std::optional<Result<size_t>> result;  // guarded by mutex

  void finish(Result<size_t> r) {
    std::lock_guard lock(mutex);
    result.emplace(std::move(r));
    done_cv.notify_all();
  }
};

struct WriteOutcome {
  uint64_t body_bytes_sent = 0;
  bool ok = true;
};

// A body the session read whole before the handler ran. A read error met
// after some bytes comes after them, as with SessionBodyReader.
class SmallBodyReader final : public BodyReader {
 public:
  SmallBodyReader(std::string bytes, std::optional<Error> failure, uint64_t length)
      : bytes_(std::move(bytes)), failure_(std::move(failure)), length_(length) {}
  Result<size_t> read(std::span<char> buffer) override {
    if (buffer.empty()) return make_error(Errc::invalid_argument, "BodyReader::read with an empty buffer");
    if (offset_ < bytes_.size()) {
      const size_t n = std::min(buffer.size(), bytes_.size() - offset_);
      std::memcpy(buffer.data(), bytes_.data() + offset_, n);
      offset_ += n;
      return n;
    }
    if (failure_) return *failure_;
    return size_t{0};
  }
  std::optional<uint64_t> content_length() const override { return length_; }

 private:
  std::string bytes_;
  std::optional<Error> failure_;
  uint64_t length_;
  size_t offset_ = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerState& server, tcp::socket socket, std::string remote, std::shared_ptr<TlsContext> tls,
          AddressLimiter::Slot slot)
      : server_(server),
        stream_(tls ? detail::DualStream(beast::tcp_stream(std::move(socket)), std::move(tls))
                    : detail::DualStream(beast::tcp_stream(std::move(socket)))),
        deadline_(stream_.get_executor(), [this] { close(); }),
        remote_(std::move(remote)),
        address_slot_(std::move(slot)) {}
  ~Session() { server_.unregister_session(this); }

  asio::any_io_executor executor() { return stream_.get_executor(); }
  asio::awaitable<void> run();
  // On the session's loop: closes the connection unless a request is in flight.
  void on_stop() {
    if (!busy_) close();
  }
  tcp::socket& socket() { return stream_.socket(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }
  // From a worker thread, while the handler of the current request runs.
  Result<size_t> read_body_blocking(std::span<char> buffer);

 private:
  asio::awaitable<bool> handshake();
  asio::awaitable<bool> wait_for_request(bool first_request);
  asio::awaitable<bool> serve_request(Clock::time_point start);
  asio::awaitable<void> answer_header_error(const beast::error_code& ec, Clock::time_point start);
  asio::awaitable<void> answer_and_close(Response response, Clock::time_point start);
  bool handle_inline(Request& request, Response& response, bool may_run_inline);
  asio::awaitable<void> handle_on_worker(Request& request, Response& response);
  asio::awaitable<void> await_deferred(Response& response);
  asio::awaitable<void> read_body(std::shared_ptr<PendingRead> pending);
  asio::awaitable<std::string> read_small_body(uint64_t length);
  asio::awaitable<Result<size_t>> read_body_some(std::span<char> buffer);
  bool body_bytes_waiting();
  bool body_bytes_received(uint64_t length);
  asio::awaitable<WriteOutcome> write_response(Response& response, bool head_only, bool keep_alive);
  // Up to three buffers, gathered; takes no initializer_list because GCC 12
  // miscompiles braced temporaries inside co_await expressions.
  asio::awaitable<bool> write_bytes(asio::const_buffer a, asio::const_buffer b = {},
                                    asio::const_buffer c = {});
  asio::awaitable<WriteOutcome> write_file(const FileBody& file);
  asio::awaitable<WriteOutcome> write_file_copied(const FileBody& file);
  // Sends at once what the socket takes (plain TCP; MSG_MORE when a body
  // follows), the rest as usual.
  asio::awaitable<bool> write_now(std::string_view bytes, bool more);
  asio::awaitable<WriteOutcome> write_small_file(std::string head, const FileBody& file);
  asio::awaitable<WriteOutcome> write_chunks(ChunkSource& source, std::optional<uint64_t> declared_length);
  asio::awaitable<bool> wait_writable();
  asio::awaitable<void> linger_close();
  BuiltRequest make_request();
  void log_access(const std::string& method, const std::string& route, const std::string& path, int status,
                  uint64_t body_bytes_sent, Clock::time_point start);

  ServerState& server_;
  detail::DualStream stream_;
  // Bounds each wait on the client (handshake, header, idle, body, write);
  // the stream itself has no timeout (ConnectionDeadline says why).
  detail::ConnectionDeadline deadline_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::string remote_;
  std::optional<PeerCertificate> peer_certificate_;  // after a TLS handshake
  AddressLimiter::Slot address_slot_;                // this connection's place in its address's count
  bool busy_ = false;                                // a request is being handled or answered
  bool expect_continue_ = false;                     // send 100 Continue before the first body read
  std::optional<Error> body_failed_;                 // the body stream is broken; no keep-alive
  Clock::time_point body_deadline_ = Clock::time_point::max();  // of a whole small body being read
  // The last finished body read, reused by the next one of the same request:
  // touched by the handler's thread while it runs, dropped after it.
  std::shared_ptr<PendingRead> spare_read_;
  // The current request's body when it was read before the handler ran. A
  // member, not a local of serve_request, to keep that frame small.
  std::optional<SmallBodyReader> small_body_;
};

// The BodyReader handed to the handler: forwards to the session.
class SessionBodyReader final : public BodyReader {
 public:
  SessionBodyReader(std::shared_ptr<Session> session, std::optional<uint64_t> length)
      : session_(std::move(session)), length_(length) {}
  Result<size_t> read(std::span<char> buffer) override { return session_->read_body_blocking(buffer); }
  std::optional<uint64_t> content_length() const override { return length_; }

 private:
  std::shared_ptr<Session> session_;
  std::optional<uint64_t> length_;
};

asio::awaitable<void> Session::run() {
  deadline_.set_owner(weak_from_this());
  bool first_request = true;
  bool keep_alive = !stream_.is_tls() || co_await handshake();
  while (keep_alive && !server_.stopping) {
    busy_ = false;
    if (!co_await wait_for_request(first_request)) break;
    first_request = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.header_bytes_max));
    parser_->body_limit(server_.options.body_bytes_max);
    // The whole header nearly always came with the read that woke us: parse
    // it here, since async_read_header completes through a post to the loop
    // even when it reads nothing. A partial header goes on there.
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec == http::error::need_more) {
      const auto watch = deadline_.watch(ms(server_.options.header_timeout_ms));
      std::tie(ec, std::ignore) = co_await http::async_read_header(stream_, buffer_, *parser_, kAsTuple);
    }
    const auto start = Clock::now();
    if (ec) {
      co_await answer_header_error(ec, start);
      break;
    }
    busy_ = true;
    keep_alive = co_await serve_request(start);
  }
  close();
  deadline_.cancel();
}

// The TLS handshake, bounded like a request's header.
asio::awaitable<bool> Session::handshake() {
  const auto watch = deadline_.watch(ms(server_.options.header_timeout_ms));
  auto [ec] = co_await stream_.tls().async_handshake(asio::ssl::stream_base::server, kAsTuple);
  if (ec) {
    log::debug("TLS handshake failed", {{"remote", remote_}, {"error", ec.message()}});
    co_return false;
  }
  peer_certificate_ = detail::peer_certificate_of(stream_.tls().native_handle());
  co_return true;
}

// Waits for the first byte of the next request: the idle timeout applies
// between requests, the header timeout from the first byte on.
asio::awaitable<bool> Session::wait_for_request(bool first_request) {
  if (first_request || buffer_.size() > 0) co_return true;
  const auto watch = deadline_.watch(ms(server_.options.idle_timeout_ms));
  constexpr size_t kFirstReadBytes = 4096;
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kFirstReadBytes), kAsTuple);
  buffer_.commit(n);
  co_return !ec;
}

asio::awaitable<void> Session::answer_header_error(const beast::error_code& ec, Clock::time_point start) {
  Response response;
  if (ec == http::error::header_limit) {
    response = error_response(431, "too_large", "request header fields too large");
  } else if (ec == http::error::body_limit) {
    response = error_response(413, "too_large", "request body too large");
  } else if (is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    response = error_response(400, "invalid_argument", "malformed request: " + ec.message());
  } else {
    co_return;  // timeout, reset or closed: nobody to answer
  }
  co_await answer_and_close(std::move(response), start);
}

// A request refused before any handler saw it: the answer, then close.
asio::awaitable<void> Session::answer_and_close(Response response, Clock::time_point start) {
  const std::string method(parser_->get().method_string());
  const auto outcome = co_await write_response(response, false, false);
  log_access(method, "", "", response.status, outcome.body_bytes_sent, start);
  if (outcome.ok) co_await linger_close();
}

BuiltRequest Session::make_request() {
  const auto& header = parser_->get();
  RequestHead head{std::string(header.method_string()), std::string(header.target()), {}};
  head.headers.reserve(static_cast<size_t>(std::distance(header.begin(), header.end())));
  for (const auto& field : header) {
    head.headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
  }
  BuiltRequest built = build_request(std::move(head), remote_, server_.options.request_limits);
  if (auto* request = std::get_if<Request>(&built)) {
    request->over_tls = stream_.is_tls();
    request->peer_certificate = peer_certificate_;
  }
  return built;
}

asio::awaitable<bool> Session::serve_request(Clock::time_point start) {
  auto made = make_request();
  if (const auto* refusal = std::get_if<Refusal>(&made)) {
    co_await answer_and_close(error_response(refusal->status, refusal->code, refusal->message), start);
    co_return false;
  }
  Request& request = std::get<Request>(made);
  const auto expect = request.header("Expect");
  expect_continue_ = expect && iequals(*expect, "100-continue") && parser_->get().version() >= 11;
  body_failed_.reset();
  std::optional<uint64_t> length;
  if (parser_->content_length()) length = *parser_->content_length();
  if (parser_->is_done()) length = 0;  // no body at all
  // A small body that has already arrived whole (in our buffer or the
  // socket's) is read here, before the handler runs: the handler then
  // copies it from memory instead of making a round trip to this thread
  // per read (two thread hand-offs), and the request may run inline. One
  // still on its way is read by the handler as before, under the handler's
  // own deadlines (a trickled JSON body gets 408 after 10 s), unless the
  // request runs inline: then it is awaited here, all of it within
  // kSmallBodyWholeMs (a client that sends head and body in two writes is
  // common). A client that asked for 100 Continue waits for the handler's
  // verdict.
  SessionBodyReader streamed(shared_from_this(), length);
  const bool may_run_inline = server_.options.run_inline && server_.options.run_inline(request);
  const bool small_body = length && *length > 0 && *length <= kSmallBodyBytesMax && !expect_continue_;
  if (small_body && (may_run_inline || body_bytes_received(*length))) {
    body_deadline_ = Clock::now() + ms(kSmallBodyWholeMs);
    std::string bytes = co_await read_small_body(*length);
    body_deadline_ = Clock::time_point::max();
    small_body_.emplace(std::move(bytes), body_failed_, *length);
    request.body = &*small_body_;
  } else {
    request.body = &streamed;
  }

  Response response;
  if (!handle_inline(request, response, may_run_inline)) co_await handle_on_worker(request, response);
  if (response.deferred) co_await await_deferred(response);
  // The handler is done with the body: an idle keep-alive connection keeps
  // no read buffer (up to kBodyReadBytesMax) around.
  spare_read_.reset();
  small_body_.reset();

  const bool body_consumed = parser_->is_done() && !body_failed_;
  const bool keep_alive = parser_->keep_alive() && body_consumed && !server_.stopping;
  const auto outcome = co_await write_response(response, request.method == "HEAD", keep_alive);
  log_access(request.method, response.route, request.path, response.status, outcome.body_bytes_sent, start);
  if (outcome.ok && !body_consumed) co_await linger_close();
  co_return outcome.ok&& keep_alive;
}

// A cheap request whose body (if any) is already read is answered right
// here: the two thread hand-offs to and from the pool cost more than the
// handler itself. False: the handler must run on a worker.
bool Session::handle_inline(Request& request, Response& response, bool may_run_inline) {
  if (!may_run_inline || !parser_->is_done()) return false;
  t_handler_is_inline = true;
  response = call_handler(server_.handler, request);
  t_handler_is_inline = false;
  return !response.retry_on_worker;
}

// Its own coroutine, as are the other rare paths, so that serve_request's
// frame (allocated per request) stays under 1 KiB: glibc serves smaller
// blocks from its per-thread cache, while the 1,168 bytes it had made each
// request's malloc consolidate the heap's fast bins (perf, 1-byte ranges).
asio::awaitable<void> Session::handle_on_worker(Request& request, Response& response) {
  const Handler& handler = server_.handler;
  response = co_await asio::co_spawn(
      server_.workers, [&]() -> asio::awaitable<Response> { co_return call_handler(handler, request); },
      asio::use_awaitable);
}

// A handler that handed its work to another thread: this waits without
// holding any thread, then finishes the response here.
asio::awaitable<void> Session::await_deferred(Response& response) {
  const std::shared_ptr<DeferredResponse> deferred = std::move(response.deferred);
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [&deferred, executor = executor(), server = &server_](auto handler) {
        auto held = std::make_shared<decltype(handler)>(std::move(handler));
        {
          std::lock_guard lock(server->deferred_mutex);
          ++server->deferred_pending;
        }
        deferred->on_complete([executor, held, server] {
          asio::post(executor, std::move(*held));
          std::lock_guard lock(server->deferred_mutex);
          --server->deferred_pending;
          server->deferred_posted.notify_all();
        });
      },
      asio::use_awaitable);
  std::string route = std::move(response.route);
  if (deferred->finish_on() == DeferredResponse::FinishOn::worker) {
    response = co_await asio::co_spawn(
        server_.workers, [&]() -> asio::awaitable<Response> { co_return deferred->finish(); },
        asio::use_awaitable);
  } else {
    t_handler_is_inline = true;
    response = deferred->finish();
    t_handler_is_inline = false;
  }
  if (response.route.empty()) response.route = std::move(route);
}

Result<size_t> Session::read_body_blocking(std::span<char> buffer) {
  if (buffer.empty()) return make_error(Errc::invalid_argument, "BodyReader::read with an empty buffer");
  const size_t wanted = std::min(buffer.size(), kBodyReadBytesMax);
  std::shared_ptr<PendingRead> pending = std::move(spare_read_);
  if (!pending || pending->capacity < wanted) pending = std::make_shared<PendingRead>(wanted);
  pending->wanted = wanted;
  asio::co_spawn(executor(), read_body(pending), asio::detached);
  std::unique_lock lock(pending->mutex);
  const auto backstop = ms(server_.options.body_read_timeout_ms + kBodyReadBackstopMs);
  if (!pending->done_cv.wait_for(lock, backstop, [&] { return pending->result.has_value(); })) {
    return make_error(Errc::timeout, "request body read timed out");
  }
  Result<size_t> result = std::move(*pending->result);
  if (result.ok()) std::memcpy(buffer.data(), pending->bytes.get(), result.value());
  // Finished: the loop no longer touches it.
  pending->result.reset();
  spare_read_ = std::move(pending);
  return result;
}

// On the session's loop. Reads into the PendingRead's own buffer, never the
// worker's, so a worker that gave up cannot leave a dangling destination.
asio::awaitable<void> Session::read_body(std::shared_ptr<PendingRead> pending) {
  auto self = shared_from_this();
  if (body_failed_) {
    pending->finish(*body_failed_);
    co_return;
  }
  if (expect_continue_ && !parser_->is_done()) {
    expect_continue_ = false;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!co_await write_bytes(asio::buffer(kContinue))) {
      body_failed_ = make_error(Errc::io_error, "writing 100 Continue failed");
      pending->finish(*body_failed_);
      co_return;
    }
  }
  auto result = co_await read_body_some(pending->slice());
  if (!result.ok()) body_failed_ = result.error();
  pending->finish(std::move(result));
}

// On the session's loop: the whole body of `length` bytes, or what came of it
// before an error (then in body_failed_).
asio::awaitable<std::string> Session::read_small_body(uint64_t length) {
  std::string bytes(length, '\0');
  size_t got = 0;
  while (got < length && !body_failed_) {
    auto result = co_await read_body_some(std::span<char>(bytes.data() + got, length - got));
    if (!result.ok()) {
      body_failed_ = result.error();
    } else if (*result == 0) {
      break;
    } else {
      got += *result;
    }
  }
  bytes.resize(got);
  co_return bytes;
}

// Returns at least one body byte, or 0 at the end of the body. Goes on
// filling `buffer` while more bytes are already waiting, so that a fast
// upload costs one hand-off to the worker per slice, not per socket read;
// it never waits for more than the first byte.
asio::awaitable<Result<size_t>> Session::read_body_some(std::span<char> buffer) {
  buffer_.reserve(kSocketReadBytes);
  size_t got = 0;
  while (!parser_->is_done() && got < buffer.size()) {
    if (got > 0 && !body_bytes_waiting()) break;
    auto& body = parser_->get().body();
    body.data = buffer.data() + got;
    body.size = buffer.size() - got;
    const auto watch = deadline_.watch_until(
        std::min(Clock::now() + ms(server_.options.body_read_timeout_ms), body_deadline_));
    auto [ec, n] = co_await http::async_read_some(stream_, buffer_, *parser_, kAsTuple);
    if (ec && deadline_.expired()) ec = beast::error::timeout;
    got = buffer.size() - body.size;
    body.data = nullptr;
    if (ec && ec != http::error::need_buffer) {
      if (got == 0) co_return body_error(ec);
      body_failed_ = body_error(ec);  // the next read reports it; these bytes are good
      break;
    }
  }
  co_return got;
}

// At least `length` bytes received and not yet parsed: in Beast's buffer,
// the TLS connection's or the socket. For TLS those last two hold
// ciphertext, a little more than the plaintext it carries: a read may then
// still wait for the rest of a record the client is sending, bounded by the
// body read timeout, on this coroutine alone.
bool Session::body_bytes_received(uint64_t length) {
  const size_t held = buffer_.size() + stream_.buffered_bytes();
  if (held >= length) return true;
  beast::error_code ec;
  const size_t in_socket = stream_.socket().available(ec);
  return !ec && held + in_socket >= length;
}

// Some body byte a read would take without waiting (see above).
bool Session::body_bytes_waiting() { return body_bytes_received(1); }

asio::awaitable<bool> Session::write_bytes(asio::const_buffer a, asio::const_buffer b, asio::const_buffer c) {
  const std::array<asio::const_buffer, 3> buffers{a, b, c};
  const auto watch = deadline_.watch(ms(server_.options.write_timeout_ms));
  auto [ec, n] = co_await asio::async_write(stream_, buffers, kAsTuple);
  co_return !ec;
}

asio::awaitable<WriteOutcome> Session::write_response(Response& response, bool head_only, bool keep_alive) {
  const std::string date = http_date_now();
  const bool no_body = head_only || status_forbids_body(response.status);
  const bool length_allowed = !(response.status >= 100 && response.status < 200) && response.status != 204;
  if (auto* text = std::get_if<std::string>(&response.body)) {
    BodyFraming framing;
    if (length_allowed) framing.content_length = text->size();
    const std::string head =
        format_response_head(response.status, response.headers, framing, keep_alive, date);
    if (no_body) {
      const bool ok = co_await write_bytes(asio::buffer(head));
      co_return WriteOutcome{0, ok};
    }
    const bool ok = co_await write_bytes(asio::buffer(head), asio::buffer(*text));
    co_return WriteOutcome{ok ? text->size() : 0, ok};
  }
  if (auto* file = std::get_if<FileBody>(&response.body)) {
    BodyFraming framing;
    if (length_allowed) framing.content_length = file->length;
    std::string head = format_response_head(response.status, response.headers, framing, keep_alive, date);
    if (!no_body && file->length > 0 && file->length <= kCopiedFileBodyBytesMax && !stream_.is_tls()) {
      co_return co_await write_small_file(std::move(head), *file);
    }
    if (!co_await write_now(head, !no_body && file->length > 0)) co_return WriteOutcome{0, false};
    if (no_body) co_return WriteOutcome{};
    co_return co_await write_file(*file);
  }
  auto& source = std::get<std::shared_ptr<ChunkSource>>(response.body);
  BodyFraming framing;
  framing.content_length = parse_content_length(response.headers);
  framing.chunked = !framing.content_length;
  if (!source) framing = BodyFraming{uint64_t{0}, false};
  if (!length_allowed) framing = BodyFraming{};
  const std::string head = format_response_head(response.status, response.headers, framing, keep_alive, date);
  if (!co_await write_bytes(asio::buffer(head))) co_return WriteOutcome{0, false};
  if (no_body || !source) co_return WriteOutcome{};
  co_return co_await write_chunks(*source, framing.content_length);
}

// A head and the first body bytes should leave in one segment, as nginx's
// tcp_nopush (TCP_CORK) does, but without its two setsockopt(2) calls per
// response (18 % of the I/O thread's time on 1-byte ranges, perf in
// docs/BENCHMARKS.md section 1): a head before sendfile(2) is sent with
// MSG_MORE, so the kernel holds it until the body comes. The socket is
// idle between responses, so it nearly always takes the bytes whole, with
// no trip through the event loop; what it does not take is written the
// usual way.
asio::awaitable<bool> Session::write_now(std::string_view bytes, bool more) {
  if (!stream_.is_tls()) {
    const int flags = (more ? MSG_MORE : 0) | MSG_DONTWAIT | MSG_NOSIGNAL;
    const ssize_t n = ::send(stream_.socket().native_handle(), bytes.data(), bytes.size(), flags);
    if (n == static_cast<ssize_t>(bytes.size())) co_return true;
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      co_return false;
    }
  }
  co_return co_await write_bytes(asio::buffer(bytes));
}

// A small range (a player reading a file's first bytes, a thumbnail) is
// copied behind the head and both leave in one send(2): below a page,
// setting up sendfile(2) costs more than the copy it saves.
asio::awaitable<WriteOutcome> Session::write_small_file(std::string head, const FileBody& file) {
  const size_t at = head.size();
  head.resize(at + file.length);
  if (!read_file_exactly(file.descriptor(), {head.data() + at, file.length}, file.offset)) {
    co_return WriteOutcome{0, false};
  }
  const bool ok = co_await write_now(head, false);
  co_return WriteOutcome{ok ? file.length : 0, ok};
}

// Waits until the socket accepts more bytes, up to the write timeout.
asio::awaitable<bool> Session::wait_writable() {
  const auto watch = deadline_.watch(ms(server_.options.write_timeout_ms));
  auto [ec] = co_await stream_.socket().async_wait(tcp::socket::wait_write, kAsTuple);
  co_return !ec;
}

// Zero-copy: sendfile(2) from the file straight to the non-blocking socket.
asio::awaitable<WriteOutcome> Session::write_file(const FileBody& file) {
  if (stream_.is_tls()) co_return co_await write_file_copied(file);
  WriteOutcome outcome;
  beast::error_code ec;
  // The getter reads asio's own flag; the setter is an ioctl(2) every time.
  if (!stream_.socket().native_non_blocking()) stream_.socket().native_non_blocking(true, ec);
  if (ec) co_return WriteOutcome{0, false};
  const int socket_fd = stream_.socket().native_handle();
  auto offset = static_cast<off_t>(file.offset);
  uint64_t remaining = file.length;
  while (remaining > 0) {
    const ssize_t n =
        ::sendfile(socket_fd, file.descriptor(), &offset, std::min<uint64_t>(remaining, kSendfileBytesMax));
    if (n > 0) {
      remaining -= static_cast<uint64_t>(n);
      outcome.body_bytes_sent += static_cast<uint64_t>(n);
    } else if (n == 0) {
      log::error("file body shorter than its declared length", {{"missing_bytes", remaining}});
      outcome.ok = false;
      break;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!co_await wait_writable()) {
        outcome.ok = false;
        break;
      }
    } else if (errno != EINTR) {
      outcome.ok = false;
      break;
    }
  }
  co_return outcome;
}

// Over TLS the bytes must pass through the cipher: read and write them.
asio::awaitable<WriteOutcome> Session::write_file_copied(const FileBody& file) {
  WriteOutcome outcome;
  std::vector<char> chunk(kChunkSourceBytes);
  while (outcome.body_bytes_sent < file.length) {
    const auto n =
        static_cast<size_t>(std::min<uint64_t>(file.length - outcome.body_bytes_sent, chunk.size()));
    if (!read_file_exactly(file.descriptor(), {chunk.data(), n}, file.offset + outcome.body_bytes_sent)) {
      co_return WriteOutcome{outcome.body_bytes_sent, false};
    }
    if (!co_await write_bytes(asio::buffer(chunk.data(), n)))
      co_return WriteOutcome{outcome.body_bytes_sent, false};
    outcome.body_bytes_sent += n;
  }
  co_return outcome;
}

// Pulls the body from the source on a worker and writes it chunked, or raw
// when the handler announced a Content-Length (which must then be exact).
asio::awaitable<WriteOutcome> Session::write_chunks(ChunkSource& source,
                                                    std::optional<uint64_t> declared_length) {
  WriteOutcome outcome;
  std::vector<char> chunk(kChunkSourceBytes);
  while (true) {
    auto read = co_await asio::co_spawn(
        server_.workers,
        [&]() -> asio::awaitable<std::optional<Result<size_t>>> {
          try {
            co_return source.read(chunk);
          } catch (const std::exception& e) {
            co_return Result<size_t>(make_error(Errc::internal, e.what()));
          }
        },
        asio::use_awaitable);
    if (!read->ok()) {
      log::error("response body source failed", {{"error", read->error().message}});
      co_return WriteOutcome{outcome.body_bytes_sent, false};
    }
    size_t n = read->value();
    if (n == 0) break;
    if (declared_length) {
      n = static_cast<size_t>(std::min<uint64_t>(n, *declared_length - outcome.body_bytes_sent));
      if (n == 0) break;
      if (!co_await write_bytes(asio::buffer(chunk.data(), n)))
        co_return WriteOutcome{outcome.body_bytes_sent, false};
    } else {
      char size_line[24];
      const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
      if (!co_await write_bytes(asio::buffer(size_line, static_cast<size_t>(len)),
                                asio::buffer(chunk.data(), n), asio::buffer("\r\n", 2))) {
        co_return WriteOutcome{outcome.body_bytes_sent, false};
      }
    }
    outcome.body_bytes_sent += n;
  }
  if (declared_length) {
    // A short body would leave the client waiting for bytes that never come.
    outcome.ok = outcome.body_bytes_sent == *declared_length;
    co_return outcome;
  }
  outcome.ok = co_await write_bytes(asio::buffer("0\r\n\r\n", 5));
  co_return outcome;
}

asio::awaitable<void> Session::linger_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  const auto deadline = Clock::now() + ms(kLingerTimeoutMs);
  size_t discarded = 0;
  std::vector<char> sink(16 * 1024);
  while (discarded < kLingerBytesMax && Clock::now() < deadline) {
    const auto watch = deadline_.watch_until(deadline);
    // Raw TCP: what is discarded need not be deciphered.
    auto [ec, n] = co_await stream_.tcp().async_read_some(asio::buffer(sink), kAsTuple);
    if (ec) break;
    discarded += n;
  }
  close();
}

void Session::log_access(const std::string& method, const std::string& route, const std::string& path,
                         int status, uint64_t body_bytes_sent, Clock::time_point start) {
  if (!server_.options.on_access) return;
  AccessRecord record{method,
                      route,
                      path,
                      remote_,
                      status,
                      body_bytes_sent,
                      std::chrono::duration<double>(Clock::now() - start).count()};
  try {
    server_.options.on_access(record);
  } catch (const std::exception& e) {
    log::error("on_access threw", {{"what", e.what()}});
  }
}

ServerState::Registration ServerState::register_session(Session* session) {
  std::lock_guard lock(mutex);
  if (stopping) return Registration::stopping;
  if (sessions.size() >= options.connections_max) return Registration::full;
  sessions.insert(session);
  return Registration::registered;
}

void ServerState::unregister_session(Session* session) {
  std::lock_guard lock(mutex);
  if (sessions.erase(session) == 0) return;
  if (stopping && sessions.empty() && !destroying) {
    // Lets run() return now instead of when the grace period ends.
    asio::post(control, [this] {
      grace_timer.cancel();
      release_loops();
    });
  }
}

// Beyond connections_max, or beyond the share of the client's address: a
// best-effort 503 with one non-blocking send into the fresh (empty) socket
// buffer, then close. Never waits on the client.
void ServerState::refuse(tcp::socket& socket, std::string_view message) {
  const auto response = error_response(503, "unavailable", message);
  const auto& body = std::get<std::string>(response.body);
  std::string bytes =
      format_response_head(503, response.headers, BodyFraming{body.size(), false}, false, http_date_now());
  bytes += body;
  [[maybe_unused]] const auto sent =
      ::send(socket.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  beast::error_code ignored;
  socket.close(ignored);
}

asio::awaitable<void> ServerState::accept_loop(tcp::acceptor& on) {
  beast::error_code ec;
  // Non-blocking, so that the batch below stops when the queue is empty.
  on.non_blocking(true, ec);
  asio::steady_timer backoff(on.get_executor());
  while (!stopping) {
    auto [accept_ec, socket] = co_await on.async_accept(next_loop(), kAsTuple);
    if (accept_ec == asio::error::operation_aborted || !on.is_open()) break;
    if (accept_ec) {
      // EMFILE and friends: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", accept_ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kAsTuple);
      continue;
    }
    admit(std::move(socket));
    // Every connection already waiting is taken now: one per turn of the
    // event loop would leave new clients (a burst of 1,000) queued behind
    // every busy connection's requests for seconds.
    for (size_t i = 1; i < kAcceptBatchMax && !stopping; ++i) {
      tcp::socket next(next_loop());
      if (on.accept(next, ec); ec) break;  // would_block: the queue is empty
      admit(std::move(next));
    }
  }
}

// A new connection: refused (503) beyond the limits, else a session.
void ServerState::admit(tcp::socket socket) {
  beast::error_code endpoint_ec;
  const auto remote = socket.remote_endpoint(endpoint_ec);
  if (endpoint_ec) return;
  // A file response is a header write then sendfile(2): without NODELAY,
  // Nagle holds the body until the client's delayed ACK of the header
  // (up to 40 ms per response, measured in bench/stream_bench.sh).
  socket.set_option(tcp::no_delay(true), endpoint_ec);
  auto address_slot = address_limiter.try_acquire(remote.address().to_string());
  if (!address_slot.held()) {
    refuse(socket, "too many connections from this address");
    return;
  }
  auto session =
      std::make_shared<Session>(*this, std::move(socket), endpoint_text(remote),
                                options.tls ? options.tls->get() : nullptr, std::move(address_slot));
  // The connection limit is checked here, under the lock, since several
  // accept loops admit at once. Refused, the session goes before it ran
  // (its unregister is a no-op).
  switch (register_session(session.get())) {
    case Registration::registered: break;
    case Registration::stopping: return;
    case Registration::full: refuse(session->socket(), "too many connections"); return;
  }
  asio::co_spawn(
      session->executor(), [session]() { return session->run(); }, asio::detached);
}

void ServerState::begin_shutdown() {
  close_acceptors();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex);
    for (Session* s : sessions) {
      // weak_from_this: a session whose last owner is being destroyed right
      // now is skipped; it is unregistering anyway.
      if (auto strong = s->weak_from_this().lock()) live.push_back(std::move(strong));
    }
  }
  for (auto& s : live) asio::post(s->executor(), [s] { s->on_stop(); });
  if (live.empty()) {
    release_loops();
    return;
  }
  grace_timer.expires_after(std::chrono::milliseconds(options.shutdown_grace_ms));
  grace_timer.async_wait([this](const beast::error_code& ec) {
    std::lock_guard lock(mutex);
    if (ec || sessions.empty()) return;
    log::warn("shutdown grace period over; dropping requests in flight", {{"sessions", sessions.size()}});
    stop_loops();
  });
}

void ServerState::release_loops() { loop_guards.clear(); }

// Whoever completes a deferred response (the Raft runner) does so by its
// deadline, or when it stops: then its post lands in a loop that still
// exists, and the loop's destruction frees the session as any other.
void ServerState::wait_for_deferred_posts() {
  constexpr auto kDeferredPostWait = std::chrono::seconds(30);
  std::unique_lock lock(deferred_mutex);
  const bool posted =
      deferred_posted.wait_for(lock, kDeferredPostWait, [&] { return deferred_pending == 0; });
  DISPOTIFY_CHECK_MSG(posted, "a deferred response was never completed");
}

void ServerState::stop_loops() {
  for (auto& loop : loops) loop->stop();
}

asio::io_context& ServerState::next_loop() {
  return *loops[next_loop_index.fetch_add(1, std::memory_order_relaxed) % loops.size()];
}

// Each acceptor on its own loop: an acceptor is not thread-safe.
void ServerState::close_acceptors() {
  beast::error_code ignored;
  acceptor.close(ignored);
  for (auto& more : more_acceptors) {
    asio::post(more->get_executor(), [more = more.get()] {
      beast::error_code ignored;
      more->close(ignored);
    });
  }
}

}  // namespace

struct HttpServer::Impl : ServerState {
  using ServerState::ServerState;
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
  DISPOTIFY_CHECK(impl_->options.io_threads >= 1);
  DISPOTIFY_CHECK(impl_->options.worker_threads >= 1);
  DISPOTIFY_CHECK(impl_->handler != nullptr);
}

// Precondition: run() has returned (or was never called).
HttpServer::~HttpServer() {
  stop();
  impl_->destroying = true;
  impl_->stop_loops();
  impl_->wait_for_deferred_posts();
  // Handlers still running finish here; a worker blocked on a body read
  // gives up at its backstop because the io_context no longer runs.
  impl_->workers.join();
}

Status HttpServer::start() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return make_error(Errc::invalid_argument, "bad listen address " + impl_->options.host);
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec)
    return make_error(Errc::io_error, "socket: " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return make_error(Errc::io_error, "SO_REUSEADDR: " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return make_error(Errc::unavailable, "bind " + endpoint_text(endpoint) + ": " + ec.message());
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return make_error(Errc::io_error, "listen: " + ec.message());
  }
  impl_->bound_port = acceptor.local_endpoint().port();
  for (size_t i = 1; i < impl_->loops.size(); ++i) {
    const int shared = ::dup(acceptor.native_handle());
    if (shared < 0)
      return make_error(Errc::io_error, std::string("dup of the listening socket: ") + strerror(errno));
    auto more = std::make_unique<tcp::acceptor>(*impl_->loops[i]);
    if (more->assign(endpoint.protocol(), shared, ec); ec) {
      ::close(shared);
      return make_error(Errc::io_error, "watching the listening socket: " + ec.message());
    }
    impl_->more_acceptors.push_back(std::move(more));
  }
  asio::co_spawn(
      acceptor.get_executor(), [impl = impl_.get()] { return impl->accept_loop(impl->acceptor); },
      asio::detached);
  for (auto& more : impl_->more_acceptors) {
    asio::co_spawn(
        more->get_executor(), [impl = impl_.get(), on = more.get()] { return impl->accept_loop(*on); },
        asio::detached);
  }
  return ok_status();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::run() {
  std::vector<std::thread> extra;
  for (size_t i = 1; i < impl_->loops.size(); ++i) {
    extra.emplace_back([this, i] {
      name_this_thread(impl_->options.name + "-io" + std::to_string(i));
      impl_->loops[i]->run();
    });
  }
  name_this_thread(impl_->options.name + "-io0");
  impl_->loops.front()->run();
  for (auto& t : extra) t.join();
}

void HttpServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->control, [impl = impl_.get()] { impl->begin_shutdown(); });
}

bool handler_is_inline() { return t_handler_is_inline; }

}  // namespace dispotify::net
