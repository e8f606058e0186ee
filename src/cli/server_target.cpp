#include "cli/server_target.h"

#include "base/fs.h"

namespace dispotify::cli {

Result<ServerTarget> server_target(const std::string& url, const std::string& ca_file, bool verify) {
  ServerTarget out;
  DISPOTIFY_ASSIGN_OR_RETURN(out.url, net::parse_url(url));
  out.verify = verify;
  if (!out.url.https) return out;
  net::TlsClientSettings settings;
  settings.tls13_only = false;
  if (verify) {
    settings.system_authorities = true;
    if (!ca_file.empty()) {
      auto pem = fs::read_file(ca_file, 1 << 20);
      if (!pem.ok())
        return make_error(Errc::invalid_argument, "--ca-file " + ca_file + ": " + pem.error().message);
      settings.ca_pem = std::move(*pem);
    }
  }
  DISPOTIFY_ASSIGN_OR_RETURN(out.tls, net::make_client_tls(settings));
  return out;
}

net::ClientRequest request_to(const ServerTarget& target, std::string method,
                              const std::string& path_and_query) {
  net::ClientRequest request;
  request.method = std::move(method);
  request.host = target.url.host;
  request.port = target.url.port;
  request.target = target.url.prefix + path_and_query;
  request.tls = target.tls;
  if (target.tls && target.verify) request.tls_host_name = target.url.host;
  return request;
}

}  // namespace dispotify::cli
