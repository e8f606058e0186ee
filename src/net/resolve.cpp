#include "net/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

namespace dispotify::net {

std::string join_host_port(std::string_view ip, uint16_t port) {
  const bool v6 = ip.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(ip) + "]" : std::string(ip)) + ":" + std::to_string(port);
}

Result<std::vector<std::string>> resolve_all(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) return make_error(Errc::unavailable, "resolve " + host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  std::vector<std::string> addresses;
  for (const addrinfo* a = found; a != nullptr && addresses.size() < kResolvedAddressesMax; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (a->ai_family == AF_INET) raw = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    if (a->ai_family == AF_INET6) raw = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    if (raw == nullptr || ::inet_ntop(a->ai_family, raw, text, sizeof text) == nullptr) continue;
    std::string address = join_host_port(text, port);
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end())
      addresses.push_back(std::move(address));
  }
  if (addresses.empty()) return make_error(Errc::unavailable, "resolve " + host + ": no address");
  return addresses;
}

}  // namespace dispotify::net
