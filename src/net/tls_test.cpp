// TLS on our server and clients, with certificates made by base/x509.h:
// client authentication, identity checks, file bodies, and a swapped
// certificate.
#include "net/tls.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/test_dir.h"
#include "base/x509.h"
#include "net/http_client.h"
#include "net/http_stream.h"
#include "net/net_test_util.h"

namespace dispotify::net {
namespace {

using testing::RunningServer;
using testing::small_options;

struct Identity {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string serial_hex;
};

struct Authority {
  x509::KeyPair key;
  std::string certificate_pem;

  static Authority make(const std::string& name) {
    Authority a;
    a.key = *x509::generate_key();
    a.certificate_pem = x509::self_signed_ca(a.key, name, ::time(nullptr), 10)->certificate_pem;
    return a;
  }
  Identity issue(const std::string& name) const {
    auto node_key = *x509::generate_key();
    auto issued =
        *x509::issue(certificate_pem, key.private_key_pem, node_key.public_key_pem, name, ::time(nullptr), 1);
    return Identity{issued.certificate_pem, node_key.private_key_pem, issued.serial_hex};
  }
};

std::shared_ptr<TlsSlot> server_tls(const Authority& ca, const Identity& me, bool require_client) {
  TlsServerSettings settings{me.certificate_pem, me.private_key_pem, ca.certificate_pem, require_client,
                             true};
  auto context = make_server_tls(settings);
  EXPECT_TRUE(context.ok()) << context.error().message;
  return std::make_shared<TlsSlot>(*context);
}

std::shared_ptr<TlsContext> client_tls(const Authority& ca, const Identity* me,
                                       std::function<bool(const PeerCertificate&)> accept_server = {}) {
  TlsClientSettings settings;
  settings.ca_pem = ca.certificate_pem;
  settings.accept_server = std::move(accept_server);
  if (me != nullptr) {
    settings.certificate_pem = me->certificate_pem;
    settings.private_key_pem = me->private_key_pem;
  }
  auto context = make_client_tls(settings);
  EXPECT_TRUE(context.ok()) << context.error().message;
  return *context;
}

// Answers with who the client is: "CN SERIAL" or "anonymous", and "tls" or "plain".
Response whoami(Request& request) {
  Response response;
  std::string who = request.peer_certificate
                        ? request.peer_certificate->common_name + " " + request.peer_certificate->serial_hex
                        : "anonymous";
  response.body = who + (request.over_tls ? " tls" : " plain");
  return response;
}

ClientRequest get(uint16_t port, std::shared_ptr<TlsContext> tls) {
  ClientRequest request;
  request.port = port;
  request.target = "/";
  request.tls = std::move(tls);
  request.connect_timeout_ms = 2'000;
  request.io_timeout_ms = 2'000;
  return request;
}

TEST(Tls, MutualAuthenticationShowsTheClientIdentityToTheHandler) {
  const Authority ca = Authority::make("ca");
  const Identity server = ca.issue("server-node");
  const Identity client = ca.issue("client-node");
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, true);
  RunningServer running(options, whoami);

  auto response = request(get(running.port(), client_tls(ca, &client)));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "client-node " + client.serial_hex + " tls");

  // Keep-alive: a second request on the same connection.
  HttpConnection connection;
  auto request_with_name = get(running.port(), client_tls(ca, &client));
  request_with_name.tls_peer_name = "server-node";
  for (int i = 0; i < 2; ++i) {
    auto again = connection.request(request_with_name);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->body, "client-node " + client.serial_hex + " tls");
  }
}

TEST(Tls, AClientAsksAboutTheServerCertificateAndCanRefuseIt) {
  const Authority ca = Authority::make("ca");
  const Identity server = ca.issue("server-node");
  const Identity client = ca.issue("client-node");
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, true);
  int called = 0;
  RunningServer running(options, [&](Request& r) {
    ++called;
    return whoami(r);
  });
  std::vector<PeerCertificate> asked;
  auto checking = [&](bool accept) {
    return client_tls(ca, &client, [&asked, accept](const PeerCertificate& cert) {
      asked.push_back(cert);
      return accept;
    });
  };
  auto accepted = request(get(running.port(), checking(true)));
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  ASSERT_EQ(asked.size(), 1u);  // the leaf only, not the authority
  EXPECT_EQ(asked[0].common_name, "server-node");
  EXPECT_EQ(asked[0].serial_hex, server.serial_hex);
  auto refused = request(get(running.port(), checking(false)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::unavailable);
  EXPECT_EQ(called, 1);
}

TEST(Tls, RefusesClientsWithoutACertificateOrFromAnotherAuthority) {
  const Authority ca = Authority::make("ca");
  const Authority stranger_ca = Authority::make("ca");  // same name, other key
  const Identity server = ca.issue("server-node");
  const Identity forged = stranger_ca.issue("client-node");
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, true);
  bool called = false;
  RunningServer running(options, [&](Request& r) {
    called = true;
    return whoami(r);
  });

  auto anonymous = request(get(running.port(), client_tls(ca, nullptr)));
  EXPECT_FALSE(anonymous.ok());
  auto forged_answer = request(get(running.port(), client_tls(ca, &forged)));
  EXPECT_FALSE(forged_answer.ok());
  // Plain HTTP to a TLS port gets nothing either.
  auto plain = request(get(running.port(), nullptr));
  EXPECT_FALSE(plain.ok() && plain->status == 200);
  EXPECT_FALSE(called);
}

TEST(Tls, OptionalClientCertificateLetsAnonymousClientsIn) {
  const Authority ca = Authority::make("ca");
  const Identity server = ca.issue("server-node");
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, false);
  RunningServer running(options, whoami);
  auto anonymous = request(get(running.port(), client_tls(ca, nullptr)));
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message;
  EXPECT_EQ(anonymous->body, "anonymous tls");
}

TEST(Tls, ClientChecksTheServersAuthorityAndName) {
  const Authority ca = Authority::make("ca");
  const Authority stranger_ca = Authority::make("other");
  const Identity impostor = stranger_ca.issue("server-node");
  const Identity server = ca.issue("server-node");
  {
    ServerOptions options = small_options();
    options.tls = server_tls(stranger_ca, impostor, false);
    RunningServer running(options, whoami);
    auto answer = request(get(running.port(), client_tls(ca, nullptr)));
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, Errc::unavailable);
  }
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, false);
  RunningServer running(options, whoami);
  auto wrong_name = get(running.port(), client_tls(ca, nullptr));
  wrong_name.tls_peer_name = "another-node";
  auto answer = request(wrong_name);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, Errc::permission_denied);
}

TEST(Tls, FileBodiesAndStreamsCrossTls) {
  const Authority ca = Authority::make("ca");
  const Identity server = ca.issue("server-node");
  const Identity client = ca.issue("client-node");
  TestDir dir;
  const std::string path = dir.path() + "/blob";
  std::string content;
  for (int i = 0; i < 300'000; ++i) content += static_cast<char>('a' + i % 26);
  {
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  ServerOptions options = small_options();
  options.tls = server_tls(ca, server, true);
  RunningServer running(options, [&](Request& request) {
    Response response;
    if (request.method == "PUT") {
      std::string got;
      char buffer[8192];
      while (true) {
        auto n = request.body->read(buffer);
        if (!n.ok() || *n == 0) break;
        got.append(buffer, *n);
      }
      response.body = std::to_string(got.size()) + (got == content ? " same" : " different");
      return response;
    }
    response.body = FileBody{UniqueFd(::open(path.c_str(), O_RDONLY)), 1000, content.size() - 1000};
    return response;
  });
  auto tls = client_tls(ca, &client);
  auto file = request(get(running.port(), tls));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->body, content.substr(1000));

  auto download = DownloadStream::open(get(running.port(), tls));
  ASSERT_TRUE(download.ok()) << download.error().message;
  std::string streamed;
  char buffer[10000];
  while (true) {
    auto n = (*download)->read(buffer);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    streamed.append(buffer, *n);
  }
  EXPECT_EQ(streamed, content.substr(1000));

  auto put = get(running.port(), tls);
  put.method = "PUT";
  auto upload = UploadStream::open(put);
  ASSERT_TRUE(upload.ok()) << upload.error().message;
  for (size_t at = 0; at < content.size(); at += 70'000) {
    ASSERT_TRUE(
        (*upload)->write(std::span(content).subspan(at, std::min<size_t>(70'000, content.size() - at))).ok());
  }
  auto answer = (*upload)->finish();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->body, std::to_string(content.size()) + " same");
}

TEST(Tls, ASwappedCertificateAppliesToNewConnections) {
  const Authority ca = Authority::make("ca");
  const Identity first = ca.issue("first");
  const Identity second = ca.issue("second");
  ServerOptions options = small_options();
  options.tls = server_tls(ca, first, false);
  RunningServer running(options, whoami);
  auto named = [&](const char* name) {
    auto r = get(running.port(), client_tls(ca, nullptr));
    r.tls_peer_name = name;
    return request(r);
  };
  ASSERT_TRUE(named("first").ok());
  options.tls->set(*make_server_tls({second.certificate_pem, second.private_key_pem, "", false, true}));
  EXPECT_FALSE(named("first").ok());
  auto now_second = named("second");
  ASSERT_TRUE(now_second.ok()) << now_second.error().message;
  EXPECT_EQ(now_second->body, "anonymous tls");
}

TEST(Tls, BadSettingsAreErrors) {
  const Authority ca = Authority::make("ca");
  const Identity a = ca.issue("a");
  const Identity b = ca.issue("b");
  EXPECT_FALSE(make_server_tls({a.certificate_pem, b.private_key_pem, "", false, false}).ok());
  EXPECT_FALSE(make_server_tls({"junk", a.private_key_pem, "", false, false}).ok());
  TlsClientSettings client;
  client.ca_pem = "junk";
  EXPECT_FALSE(make_client_tls(client).ok());
}

}  // namespace
}  // namespace dispotify::net
