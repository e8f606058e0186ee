// The parameters of a Subsonic call: the query string and, for a POST, the
// application/x-www-form-urlencoded body (the formPost extension), in that
// order. Names repeat for lists (id=1&id=2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/http.h"
#include "net/url.h"

namespace dispotify::api::subsonic {

// A form body larger than this is refused (savePlayQueue and
// createPlaylist with thousands of ids fit easily).
inline constexpr size_t kFormBodyBytesMax = 1 << 20;
// ... and must arrive whole within this (a trickling body would hold a
// worker thread; the call is not even authenticated yet): 408 after.
inline constexpr int64_t kFormBodyReadMsMax = 10'000;

class Params {
 public:
  explicit Params(net::QueryParams pairs) : pairs_(std::move(pairs)) {}
  // Reads the form body of a POST (too_large past kFormBodyBytesMax).
  [[nodiscard]] static Result<Params> of(net::Request& request);

  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Errors name the parameter; a missing one is Subsonic error 10.
  [[nodiscard]] Result<std::string> required(std::string_view name) const;
  [[nodiscard]] Result<int64_t> integer(std::string_view name, int64_t fallback, int64_t min,
                                        int64_t max) const;
  [[nodiscard]] Result<int64_t> required_integer(std::string_view name, int64_t min, int64_t max) const;
  bool flag(std::string_view name, bool fallback) const;

 private:
  net::QueryParams pairs_;
};

}  // namespace dispotify::api::subsonic
