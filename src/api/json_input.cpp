#include "api/json_input.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <chrono>

namespace dispotify::api {

Result<boost::json::object> read_json_object(net::Request& request,
                                             std::initializer_list<std::string_view> allowed) {
  std::string body;
  char buf[16 * 1024];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kJsonBodyReadMsMax);
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, request.body->read(buf));
    if (n == 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return make_error(Errc::timeout,
                        "JSON body not received within " + std::to_string(kJsonBodyReadMsMax / 1000) + " s");
    }
    if (body.size() + n > kJsonBodyBytesMax) {
      return make_error(Errc::too_large,
                        "JSON body larger than " + std::to_string(kJsonBodyBytesMax) + " bytes");
    }
    body.append(buf, n);
  }
  boost::json::parse_options options;
  options.max_depth = kJsonDepthMax;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec, {}, options);
  if (ec == boost::json::error::too_deep) {
    return make_error(Errc::invalid_argument,
                      "JSON body nested deeper than " + std::to_string(kJsonDepthMax) + " levels");
  }
  if (ec) return make_error(Errc::invalid_argument, "body is not valid JSON: " + ec.message());
  if (!value.is_object()) return make_error(Errc::invalid_argument, "body must be a JSON object");
  for (const auto& kv : value.as_object()) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) return make_error(Errc::invalid_argument, "unknown field \"" + std::string(kv.key()) + "\"");
  }
  return std::move(value.as_object());
}

Result<std::optional<std::string>> optional_string(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string())
    return make_error(Errc::invalid_argument, "field \"" + std::string(key) + "\" must be a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> required_string(const boost::json::object& o, std::string_view key) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto s, optional_string(o, key));
  if (!s) return make_error(Errc::invalid_argument, "field \"" + std::string(key) + "\" is required");
  return std::move(*s);
}

Result<std::optional<int64_t>> optional_int(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  return make_error(Errc::invalid_argument, "field \"" + std::string(key) + "\" must be an integer");
}

Result<int64_t> query_int(const net::Request& request, std::string_view name, int64_t fallback, int64_t min,
                          int64_t max) {
  const auto raw = request.query_param(name);
  if (!raw) return fallback;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (ec != std::errc() || end != raw->data() + raw->size() || value < min || value > max) {
    return make_error(Errc::invalid_argument, "query parameter " + std::string(name) +
                                                  " must be an integer from " + std::to_string(min) + " to " +
                                                  std::to_string(max));
  }
  return value;
}

}  // namespace dispotify::api
