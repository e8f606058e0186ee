// Reading JSON request bodies strictly: bounded size and depth, an object at
// the top, no unknown fields, and typed accessors whose errors name the field.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::api {

inline constexpr size_t kJsonBodyBytesMax = 1 << 20;
inline constexpr unsigned kJsonDepthMax = 16;
// A whole JSON body must arrive within this, however its bytes trickle in:
// each read may wait for the server's body read timeout, but a client that
// sends one byte just before each timeout would otherwise hold a worker
// thread for days (slowloris on the body).
inline constexpr int64_t kJsonBodyReadMsMax = 10'000;

// Reads the whole body (at most kJsonBodyBytesMax: 413 above; within
// kJsonBodyReadMsMax: 408 after) and parses an object whose keys are all in
// `allowed`.
[[nodiscard]] Result<boost::json::object> read_json_object(net::Request& request,
                                                           std::initializer_list<std::string_view> allowed);

[[nodiscard]] Result<std::optional<std::string>> optional_string(const boost::json::object& o,
                                                                 std::string_view key);
[[nodiscard]] Result<std::string> required_string(const boost::json::object& o, std::string_view key);
[[nodiscard]] Result<std::optional<int64_t>> optional_int(const boost::json::object& o, std::string_view key);

// Query parameter helpers: Errc::invalid_argument names the parameter.
[[nodiscard]] Result<int64_t> query_int(const net::Request& request, std::string_view name, int64_t fallback,
                                        int64_t min, int64_t max);

}  // namespace dispotify::api
