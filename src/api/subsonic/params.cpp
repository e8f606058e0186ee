#include "api/subsonic/params.h"

#include <charconv>
#include <chrono>

#include "api/subsonic/response.h"

namespace dispotify::api::subsonic {
namespace {

bool is_form(const net::Request& request) {
  const auto type = request.header("Content-Type");
  return type && type->substr(0, type->find(';')) == "application/x-www-form-urlencoded";
}

Result<std::string> read_body(net::Request& request) {
  std::string body;
  char buffer[16 * 1024];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFormBodyReadMsMax);
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(size_t n, request.body->read(buffer));
    if (n == 0) return body;
    if (std::chrono::steady_clock::now() > deadline) {
      return make_error(Errc::timeout,
                        "form body not received within " + std::to_string(kFormBodyReadMsMax / 1000) + " s");
    }
    if (body.size() + n > kFormBodyBytesMax)
      return make_error(Errc::too_large, "form body is larger than 1 MiB");
    body.append(buffer, n);
  }
}

Result<int64_t> parse_integer(std::string_view name, std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return make_error(Errc::invalid_argument, "parameter '" + std::string(name) + "' must be an integer");
  }
  if (value < min || value > max) {
    return make_error(Errc::invalid_argument, "parameter '" + std::string(name) + "' must be between " +
                                                  std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

}  // namespace

Result<Params> Params::of(net::Request& request) {
  net::QueryParams pairs = request.query;
  if (request.method == "POST" && is_form(request)) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::string body, read_body(request));
    DISPOTIFY_ASSIGN_OR_RETURN(net::QueryParams form, net::parse_query(body));
    pairs.insert(pairs.end(), form.begin(), form.end());
  }
  return Params(std::move(pairs));
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  for (const auto& [key, value] : pairs_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Params::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : pairs_) {
    if (key == name) out.push_back(value);
  }
  return out;
}

Result<std::string> Params::required(std::string_view name) const {
  auto value = get(name);
  if (!value || value->empty()) return missing_parameter(name);
  return std::string(*value);
}

Result<int64_t> Params::integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  auto value = get(name);
  if (!value || value->empty()) return fallback;
  return parse_integer(name, *value, min, max);
}

Result<int64_t> Params::required_integer(std::string_view name, int64_t min, int64_t max) const {
  auto value = get(name);
  if (!value || value->empty()) return missing_parameter(name);
  return parse_integer(name, *value, min, max);
}

bool Params::flag(std::string_view name, bool fallback) const {
  auto value = get(name);
  if (!value || value->empty()) return fallback;
  return *value == "true" || *value == "1";
}

}  // namespace dispotify::api::subsonic
