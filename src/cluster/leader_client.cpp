#include "cluster/leader_client.h"

#include <charconv>
#include <memory>

#include "cluster/node_id.h"

namespace dispotify::cluster {

Result<net::ClientRequest> request_to(std::string_view address, std::string_view target,
                                      const std::shared_ptr<net::TlsSlot>& tls) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(Errc::invalid_argument, "address '" + std::string(address) + "' is not host:port");
  }
  unsigned port = 0;
  const std::string_view digits = address.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return make_error(Errc::invalid_argument, "address '" + std::string(address) + "' has a bad port");
  }
  net::ClientRequest request;
  request.host = std::string(address.substr(0, colon));
  if (request.host.size() > 2 && request.host.front() == '[')
    request.host = request.host.substr(1, request.host.size() - 2);
  request.port = static_cast<uint16_t>(port);
  request.target = std::string(target);
  if (tls) request.tls = tls->get();
  return request;
}

Result<std::string> LeaderClient::peer_address_of(raft::NodeId node) const {
  const std::string hex = node_id_hex(node);
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<catalog::Member> members, catalog_.members());
  for (const catalog::Member& m : members) {
    if (m.node_id == hex) return m.peer_address;
  }
  return make_error(Errc::unavailable, "no known address for node " + hex);
}

Result<net::ClientResponse> LeaderClient::post(std::string_view path, std::string body, uint64_t timeout_ms) {
  const raft::NodeId leader = runner_.leader();
  if (leader.is_zero())
    return make_error(Errc::unavailable, "no leader is known (an election may be under way)");
  DISPOTIFY_ASSIGN_OR_RETURN(std::string address, peer_address_of(leader));
  DISPOTIFY_ASSIGN_OR_RETURN(net::ClientRequest request, request_to(address, path, tls_));
  request.tls_peer_name = node_id_hex(leader);
  request.method = "POST";
  request.body = std::move(body);
  request.headers.push_back({"Content-Type", "application/octet-stream"});
  request.connect_timeout_ms = std::min<uint64_t>(timeout_ms, 500);
  request.io_timeout_ms = timeout_ms;
  thread_local std::unique_ptr<net::HttpConnection> connection;
  if (!connection) connection = std::make_unique<net::HttpConnection>();
  auto response = connection->request(request);
  if (!response.ok()) {
    connection->close();
    return make_error(Errc::unavailable,
                      "the leader at " + address + " did not answer: " + response.error().message);
  }
  return response;
}

}  // namespace dispotify::cluster
