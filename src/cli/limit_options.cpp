#include "cli/limit_options.h"

namespace dispotify::cli {

const std::vector<OptionSpec> kLimitOptions = {
    {"max-connections-per-address", "256",
     "open connections from one client IP; beyond it new ones get 503 and are closed (0: no limit)"},
    {"max-header-size", "16KiB", "request line and header fields of a request: 431 above"},
    {"max-header-count", "100", "header fields of a request: 431 above"},
    {"max-url-size", "8KiB", "request target, query string included: 414 above"},
    {"max-query-params", "512", "query string parameters of a request: 400 above"},
    {"header-timeout", "10", "seconds a client has to send a whole request head (slowloris)"},
    {"idle-timeout", "60", "seconds a kept-alive connection may wait for its next request"},
    {"max-uploads-per-user", "16", "uploads of one account in flight on this node: 429 above (0: no limit)"},
    {"upload-rate-per-user", "0",
     "bytes per second one account's uploads are read at, together, on this node (0: no limit)"},
};

Result<PublicLimits> parse_limit_options(const Options& options) {
  PublicLimits limits;
  net::ServerOptions& s = limits.server;
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t per_address,
                             options.get_int("max-connections-per-address", 0, 1'000'000));
  s.connections_per_address_max = static_cast<size_t>(per_address);
  DISPOTIFY_ASSIGN_OR_RETURN(const uint64_t header_bytes, options.get_bytes("max-header-size"));
  // Beast counts the head in a uint32; below 1 KiB not even a browser's head fits.
  if (header_bytes < 1024 || header_bytes > (64ULL << 20)) {
    return make_error(Errc::invalid_argument, "--max-header-size must be from 1KiB to 64MiB");
  }
  s.header_bytes_max = header_bytes;
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t header_count, options.get_int("max-header-count", 8, 100'000));
  s.request_limits.header_count_max = static_cast<size_t>(header_count);
  DISPOTIFY_ASSIGN_OR_RETURN(const uint64_t url_bytes, options.get_bytes("max-url-size"));
  if (url_bytes < 256) return make_error(Errc::invalid_argument, "--max-url-size must be at least 256");
  s.request_limits.target_bytes_max = url_bytes;
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t params, options.get_int("max-query-params", 1, 1'000'000));
  s.request_limits.query_params_max = static_cast<size_t>(params);
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t header_s, options.get_int("header-timeout", 1, 3600));
  s.header_timeout_ms = static_cast<uint64_t>(header_s) * 1000;
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t idle_s, options.get_int("idle-timeout", 1, 24 * 3600));
  s.idle_timeout_ms = static_cast<uint64_t>(idle_s) * 1000;
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t uploads, options.get_int("max-uploads-per-user", 0, 100'000));
  limits.uploads.in_flight_per_user_max = static_cast<size_t>(uploads);
  DISPOTIFY_ASSIGN_OR_RETURN(limits.uploads.bytes_per_second_per_user,
                             options.get_bytes("upload-rate-per-user"));
  return limits;
}

void apply_limits(const PublicLimits& limits, net::ServerOptions& server) {
  const net::ServerOptions& s = limits.server;
  server.connections_per_address_max = s.connections_per_address_max;
  server.header_bytes_max = s.header_bytes_max;
  server.request_limits = s.request_limits;
  server.header_timeout_ms = s.header_timeout_ms;
  server.idle_timeout_ms = s.idle_timeout_ms;
}

}  // namespace dispotify::cli
