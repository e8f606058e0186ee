// Errors on the wire: {"error": {"code": "...", "message": "..."}} with the
// HTTP status that matches the code.
#pragma once

#include <string_view>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::api {

int http_status_of(Errc code);
net::Response error_response(const Error& error);
net::Response error_response(Errc code, std::string_view message);
// A JSON body with the given status and Content-Type application/json.
net::Response json_response(int status, std::string body);

}  // namespace dispotify::api

// In a route handler: declares `lhs` from a Result, or returns its error as a response.
#define API_ASSIGN_OR_RESPOND(lhs, expr) \
  API_ASSIGN_OR_RESPOND_IMPL_(DISPOTIFY_CONCAT_(api_result_, __LINE__), lhs, expr)
#define API_ASSIGN_OR_RESPOND_IMPL_(tmp, lhs, expr)                    \
  auto tmp = (expr);                                                   \
  if (!tmp.ok()) return ::dispotify::api::error_response(tmp.error()); \
  lhs = std::move(tmp).value()

// In a route handler: returns the error of a Status as a response.
#define API_TRY(expr)                                                                    \
  do {                                                                                   \
    auto api_status_ = (expr);                                                           \
    if (!api_status_.ok()) return ::dispotify::api::error_response(api_status_.error()); \
  } while (0)
