#include "net/peer_address.h"

#include <algorithm>

namespace dispotify::net {

Result<PeerAddress> parse_peer_address(std::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(Errc::invalid_argument, "peer address '" + std::string(address) + "' is not host:port");
  }
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return make_error(Errc::invalid_argument,
                        "peer address '" + std::string(address) + "' has a bad [host]");
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return make_error(Errc::invalid_argument, "IPv6 peer address '" + std::string(address) + "' needs [ ]");
  }
  const bool digits_only =
      std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  uint32_t port = 0;
  if (digits_only && port_text.size() <= 5) {
    for (const char c : port_text) port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) {
    return make_error(Errc::invalid_argument, "peer address '" + std::string(address) + "' has a bad port");
  }
  return PeerAddress{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace dispotify::net
