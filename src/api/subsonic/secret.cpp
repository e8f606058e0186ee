#include "api/subsonic/secret.h"

#include "base/log.h"
#include "base/secret_box.h"
#include "catalog/listening_queries.h"

namespace dispotify::api::subsonic {
namespace {

// Binds a box to its row: a box copied onto another user does not open.
std::string associated_data(std::string_view user_id) { return "subsonic-password:" + std::string(user_id); }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Result<std::string> seal_subsonic_password(const ApiContext& ctx, std::string_view user_id,
                                           std::string_view password) {
  if (!ctx.cluster_key) return make_error(Errc::unavailable, "this node has no cluster key");
  DISPOTIFY_ASSIGN_OR_RETURN(std::string sealed, seal(*ctx.cluster_key, password, associated_data(user_id)));
  return to_hex(sealed);
}

Result<std::optional<std::string>> subsonic_password(const ApiContext& ctx, std::string_view user_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto stored, catalog::subsonic_password_sealed(ctx.catalog, user_id));
  if (!stored) return std::optional<std::string>();
  const auto refuse = [&](std::string why) -> Result<std::optional<std::string>> {
    log::warn("a Subsonic password does not open", {{"user_id", std::string(user_id)}, {"error", why}});
    return make_error(Errc::corrupt, "the stored Subsonic password cannot be read: set it again");
  };
  if (!ctx.cluster_key) return refuse("this node has no cluster key");
  const auto sealed = from_hex(*stored);
  if (!sealed) return refuse("not hex");
  auto opened = open_sealed(*ctx.cluster_key, *sealed, associated_data(user_id));
  if (!opened.ok()) return refuse(opened.error().message);
  return std::optional<std::string>(std::move(*opened));
}

}  // namespace dispotify::api::subsonic
