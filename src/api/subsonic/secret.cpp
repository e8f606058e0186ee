#include "api/subsonic/secret.h"

#include "base/hex.h"
#include "base/log.h"
#include "base/secret_box.h"
#include "catalog/listening_queries.h"

namespace dispotify::api::subsonic {
namespace {

// Binds a box to its row: a box copied onto another user does not open.
std::string associated_data(std::string_view user_id) { return "subsonic-password:" + std::string(user_id); }

}  // namespace

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
