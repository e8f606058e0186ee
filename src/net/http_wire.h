// Bytes on the wire that the server writes itself: the status line and
// header block of a response, the Date header, and the JSON error bodies of
// responses the server produces without a handler (400, 413, 431, 503, 500).
// Pure and free of Beast, so it is tested without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.h"

namespace dispotify::net {

// How the body length is announced in the response head.
struct BodyFraming {
  std::optional<uint64_t> content_length;  // Content-Length: n
  bool chunked = false;                    // Transfer-Encoding: chunked
};

// IMF-fixdate (RFC 9110 section 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::chrono::system_clock::time_point when);
// The Date header for a response sent now: formatted once a second per
// thread, as nginx does (gmtime_r and snprintf cost about a microsecond,
// a few percent of a small response).
std::string http_date_now();

// "OK", "Not Found", ...; "Unknown" for codes we never send.
std::string_view status_reason(int status);

// True for headers the server owns and replaces whatever a handler set:
// Content-Length, Transfer-Encoding, Connection, Date, Server.
bool is_server_owned_header(std::string_view name);

// True for statuses whose responses never carry a body (1xx, 204, 304).
bool status_forbids_body(int status);

// "HTTP/1.1 200 OK\r\n...\r\n\r\n". Handler headers whose name or value
// contains CR, LF or NUL are dropped (they would split the response), as are
// server-owned ones; Server, Date, the framing and Connection are added.
std::string format_response_head(int status, const std::vector<Header>& headers, const BodyFraming& framing,
                                 bool keep_alive, std::string_view date);

// {"error":{"code":"...","message":"..."}}, the shape of every API error.
std::string error_json(std::string_view code, std::string_view message);

// A complete JSON error response (Content-Type: application/json).
Response error_response(int status, std::string_view code, std::string_view message);

}  // namespace dispotify::net
