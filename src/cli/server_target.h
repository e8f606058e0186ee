// The node a CLI command talks to (--server URL): over https:// the node's
// certificate must be valid for the URL's host, checked against the
// system's authorities and, when given, --ca-file (a private CA).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "net/http_client.h"

namespace dispotify::cli {

struct ServerTarget {
  net::ServerUrl url;
  std::shared_ptr<net::TlsContext> tls;  // null for http://
  bool verify = true;
};

// `verify` false only for a health probe of the node's own port (which
// proves nothing about the certificate, and sends no secret).
[[nodiscard]] Result<ServerTarget> server_target(const std::string& url, const std::string& ca_file,
                                                 bool verify);

// A request for `path_and_query` (already encoded) on the target.
net::ClientRequest request_to(const ServerTarget& target, std::string method,
                              const std::string& path_and_query);

}  // namespace dispotify::cli
