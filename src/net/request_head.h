// From a parsed request head (method, target, header fields) to the Request
// a handler sees, refusing heads that exceed the limits a stranger could
// otherwise push on every handler: too many header fields (431), too long
// a target (414), too many query parameters (400), a target that is not an
// absolute path or does not decode (400).
//
// Pure and free of Beast: the server calls it after its parser has read the
// head (bounded in bytes by ServerOptions::header_bytes_max), and the HTTP
// fuzz target calls it the same way.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "net/http.h"

namespace dispotify::net {

struct RequestLimits {
  // Browsers send about 20 fields; Apache's LimitRequestFields is 100.
  size_t header_count_max = 100;
  // The request target, query string included; nginx refuses above 8 KiB.
  size_t target_bytes_max = 8 * 1024;
  // Parameters of the query string (Subsonic repeats id= for lists).
  size_t query_params_max = 512;
};

struct RequestHead {
  std::string method;
  std::string target;
  std::vector<Header> headers;
};

// Why a head was refused, answered with error_response(status, code, message).
struct Refusal {
  int status = 400;
  std::string code;  // "invalid_argument" or "too_large"
  std::string message;
};

using BuiltRequest = std::variant<Request, Refusal>;

// The request (with path and query decoded, body unset), or the refusal.
BuiltRequest build_request(RequestHead head, std::string remote_address, const RequestLimits& limits);

}  // namespace dispotify::net
