// A node's address as the cluster writes it: "host:port", "[v6]:port".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dispotify::net {

struct PeerAddress {
  std::string host;
  uint16_t port = 0;
};
// Errc::invalid_argument unless `address` is host:port with a port in 1..65535.
[[nodiscard]] Result<PeerAddress> parse_peer_address(std::string_view address);

}  // namespace dispotify::net
