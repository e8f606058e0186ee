// Test helpers for src/net: a server on a background thread and a raw
// blocking TCP client for sending exact (also malformed) bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

#include "net/http_server.h"

namespace dispotify::net::testing {

// A started server whose run() happens on a thread; stopped and joined on
// destruction.
class RunningServer {
 public:
  RunningServer(ServerOptions options, Handler handler)
      : server_(with_test_defaults(std::move(options)), std::move(handler)) {
    const auto started = server_.start();
    EXPECT_TRUE(started.ok());
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() {
    server_.stop();
    join();
  }
  uint16_t port() const { return server_.port(); }
  HttpServer& server() { return server_; }
  // The thread that runs HttpServer::run(), i.e. the only I/O thread when
  // io_threads is 1.
  std::thread::id run_thread_id() const { return thread_.get_id(); }
  // Joins run() after a stop() issued by the test; the destructor is then a no-op.
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  static ServerOptions with_test_defaults(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    return options;
  }
  HttpServer server_;
  std::thread thread_;
};

inline ServerOptions small_options() {
  ServerOptions options;
  options.worker_threads = 4;
  options.header_timeout_ms = 1'000;
  options.idle_timeout_ms = 1'000;
  options.body_read_timeout_ms = 1'000;
  options.write_timeout_ms = 1'000;
  options.shutdown_grace_ms = 1'000;
  return options;
}

// Blocking socket with a receive timeout, so a broken server fails the test
// instead of hanging it.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port, int receive_timeout_ms = 2'000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    timeval tv{receive_timeout_ms / 1000, (receive_timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything until the peer closes (or the receive timeout).
  std::string read_all() {
    std::string out;
    char chunk[16384];
    while (true) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<size_t>(n));
    }
    return out;
  }
  // Exactly `count` bytes (fewer if the peer closes or times out).
  std::string read_exactly(size_t count) {
    std::string out;
    char chunk[16384];
    while (out.size() < count) {
      const ssize_t n = ::recv(fd_, chunk, std::min(sizeof chunk, count - out.size()), 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<size_t>(n));
    }
    return out;
  }
  // One response with a Content-Length body (or none): head and body.
  std::string read_response() {
    std::string out;
    while (out.find("\r\n\r\n") == std::string::npos) {
      const std::string byte = read_exactly(1);
      if (byte.empty()) return out;
      out += byte;
    }
    const size_t at = out.find("Content-Length: ");
    if (at == std::string::npos) return out;
    const size_t length = std::stoul(out.substr(at + 16));
    return out + read_exactly(length);
  }
  // True if the peer closed (EOF or reset) within the receive timeout.
  bool closed_by_peer() {
    char byte;
    const ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The value of a header in a raw response head, or "" when absent.
inline std::string header_of(const std::string& response, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const size_t at = response.find(key);
  if (at == std::string::npos) return "";
  const size_t end = response.find("\r\n", at + key.size());
  return response.substr(at + key.size(), end - at - key.size());
}

inline std::string body_of(const std::string& response) {
  const size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

inline std::string status_line_of(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

}  // namespace dispotify::net::testing
