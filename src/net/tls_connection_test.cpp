// TlsConnection on its own, over a loopback socket pair: writes are cut in
// batches of records, a read takes several records at once, and errors keep
// the meaning Asio's stream gave them.
#include "net/tls_connection.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/x509.h"
#include "net/tls.h"
#include "net/tls_stream.h"

namespace dispotify::net::detail {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kRecordBytesMax = 16 * 1024;  // TLS plaintext per record

struct Contexts {
  std::shared_ptr<TlsContext> server;
  std::shared_ptr<TlsContext> client;
};

Contexts make_contexts(bool client_trusts_server = true) {
  auto ca_key = *x509::generate_key();
  auto ca = *x509::self_signed_ca(ca_key, "ca", ::time(nullptr), 10);
  auto node_key = *x509::generate_key();
  auto node = *x509::issue(ca.certificate_pem, ca_key.private_key_pem, node_key.public_key_pem, "node",
                           ::time(nullptr), 1);
  auto other_key = *x509::generate_key();
  auto other_ca = *x509::self_signed_ca(other_key, "other", ::time(nullptr), 10);
  TlsServerSettings server{node.certificate_pem, node_key.private_key_pem, "", false, true};
  TlsClientSettings client;
  client.ca_pem = client_trusts_server ? ca.certificate_pem : other_ca.certificate_pem;
  return {*make_server_tls(server), *make_client_tls(client)};
}

// A connected pair: [0] accepted (server side), [1] connecting.
std::pair<tcp::socket, tcp::socket> socket_pair(asio::io_context& ioc) {
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(ioc);
  client.connect(acceptor.local_endpoint());
  return {acceptor.accept(), std::move(client)};
}

struct Pair {
  asio::io_context ioc;
  Contexts contexts;
  std::optional<TlsConnection> server;
  std::optional<TlsConnection> client;
  boost::system::error_code server_handshake, client_handshake;

  explicit Pair(bool client_trusts_server = true) : contexts(make_contexts(client_trusts_server)) {
    auto [s, c] = socket_pair(ioc);
    server.emplace(boost::beast::tcp_stream(std::move(s)), contexts.server->impl().context.native_handle());
    client.emplace(boost::beast::tcp_stream(std::move(c)), contexts.client->impl().context.native_handle());
    const auto handshake = [&](TlsConnection& side, TlsConnection::Role role,
                               boost::system::error_code& out) {
      asio::co_spawn(
          ioc,
          [&side, role, &out]() -> asio::awaitable<void> {
            auto [ec] = co_await side.async_handshake(role, kAsTuple);
            out = ec;
          },
          asio::detached);
    };
    handshake(*server, asio::ssl::stream_base::server, server_handshake);
    handshake(*client, asio::ssl::stream_base::client, client_handshake);
    ioc.run();
    ioc.restart();
  }
};

TEST(TlsConnection, WritesInBatchesOfRecordsAndReadsSeveralRecordsAtOnce) {
  Pair pair;
  ASSERT_FALSE(pair.server_handshake) << pair.server_handshake.message();
  ASSERT_FALSE(pair.client_handshake) << pair.client_handshake.message();
  std::string sent(1 << 20, '\0');
  for (size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 131 % 251);
  std::string received;
  size_t largest_read = 0;
  size_t first_write = 0;
  asio::co_spawn(
      pair.ioc,
      [&]() -> asio::awaitable<void> {
        auto [ec, n] = co_await pair.client->async_write_some(asio::buffer(sent), kAsTuple);
        EXPECT_FALSE(ec) << ec.message();
        first_write = n;
        auto [rest_ec, rest] = co_await asio::async_write(*pair.client, asio::buffer(sent) + n, kAsTuple);
        EXPECT_FALSE(rest_ec) << rest_ec.message();
      },
      asio::detached);
  asio::co_spawn(
      pair.ioc,
      [&]() -> asio::awaitable<void> {
        std::vector<char> buffer(1 << 20);
        while (received.size() < sent.size()) {
          auto [ec, n] = co_await pair.server->async_read_some(asio::buffer(buffer), kAsTuple);
          if (ec) {
            ADD_FAILURE() << ec.message();
            co_return;
          }
          largest_read = std::max(largest_read, n);
          received.append(buffer.data(), n);
        }
      },
      asio::detached);
  pair.ioc.run();
  EXPECT_EQ(first_write, TlsConnection::kWriteBytesMax);
  EXPECT_TRUE(received == sent);
  EXPECT_GT(largest_read, kRecordBytesMax);
}

TEST(TlsConnection, APeerClosingWithoutCloseNotifyCutsTheStreamShort) {
  Pair pair;
  ASSERT_FALSE(pair.client_handshake);
  boost::system::error_code read_error;
  asio::co_spawn(
      pair.ioc,
      [&]() -> asio::awaitable<void> {
        char byte;
        auto [ec, n] = co_await pair.server->async_read_some(asio::buffer(&byte, 1), kAsTuple);
        read_error = ec;
      },
      asio::detached);
  pair.client->tcp().socket().close();
  pair.ioc.run();
  EXPECT_EQ(read_error, asio::ssl::error::stream_truncated) << read_error.message();
}

TEST(TlsConnection, AFailedHandshakeSaysWhyAndTellsThePeer) {
  Pair pair(/*client_trusts_server=*/false);
  EXPECT_NE(pair.client_handshake.message().find("certificate verify failed"), std::string::npos)
      << pair.client_handshake.message();
  // The client sent its alert: the server learns the reason, not just a closed socket.
  EXPECT_NE(pair.server_handshake.message().find("alert"), std::string::npos)
      << pair.server_handshake.message();
}

}  // namespace
}  // namespace dispotify::net::detail
