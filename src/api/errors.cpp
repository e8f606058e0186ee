#include "api/errors.h"

#include "base/json_escape.h"

namespace dispotify::api {

int http_status_of(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return 400;
    case Errc::unauthenticated: return 401;
    case Errc::permission_denied: return 403;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::too_large: return 413;
    case Errc::unsupported_media: return 415;
    case Errc::range_not_satisfiable: return 416;
    case Errc::insufficient_storage: return 507;
    case Errc::too_many_requests: return 429;
    case Errc::unavailable: return 503;
    case Errc::timeout: return 408;
    case Errc::corrupt:
    case Errc::io_error:
    case Errc::internal: return 500;
  }
  return 500;
}

net::Response json_response(int status, std::string body) {
  net::Response response;
  response.status = status;
  response.set_header("Content-Type", "application/json");
  response.set_header("Cache-Control", "no-store");
  response.body = std::move(body);
  return response;
}

net::Response error_response(Errc code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  append_json_string(body, errc_name(code));
  body += ",\"message\":";
  append_json_string(body, message);
  body += "}}";
  net::Response response = json_response(http_status_of(code), std::move(body));
  if (code == Errc::unauthenticated) response.set_header("WWW-Authenticate", "Bearer realm=\"dispotify\"");
  if (code == Errc::unavailable) response.set_header("Retry-After", "1");
  return response;
}

net::Response error_response(const Error& error) { return error_response(error.code, error.message); }

}  // namespace dispotify::api
