// The Subsonic password of the calling user (REST, bearer token):
//   GET    /api/v1/me/subsonic-password  -> {"password": "..."|null}
//   PUT    /api/v1/me/subsonic-password  {"password"?} -> {"password"}; generated when absent
//   DELETE /api/v1/me/subsonic-password  -> {"ok": true}
// Subsonic's token authentication (t = md5(password + salt)) needs the
// password itself, which the catalog cannot get back from an argon2 hash;
// this separate, revocable app password is what Subsonic apps log in with.
// It is sealed with the cluster key here, before proposing (secret.h).
#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/subsonic/secret.h"
#include "api/subsonic/service.h"
#include "base/clock.h"
#include "base/random.h"

namespace dispotify::api::subsonic {
namespace {

constexpr size_t kPasswordBytesMin = 8;
constexpr size_t kPasswordBytesMax = 128;
constexpr size_t kGeneratedBytes = 12;  // 24 hex digits

net::Response get_password(ApiContext& ctx, api::Call& call) {
  auto stored = subsonic_password(ctx, call.user->id);
  // A box that does not open (another cluster key) is as good as none: its
  // owner sees null and sets a new one (subsonic_password() logged why).
  if (!stored.ok() && stored.error().code != Errc::corrupt) return api::error_response(stored.error());
  const std::optional<std::string> password = stored.ok() ? *stored : std::nullopt;
  return json_reply(200,
                    {{"password", password ? boost::json::value(*password) : boost::json::value(nullptr)}});
}

net::Response put_password(ApiContext& ctx, api::Call& call) {
  std::optional<std::string> chosen;
  if (call.request.body->content_length().value_or(1) != 0) {
    API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"password"}));
    API_ASSIGN_OR_RESPOND(chosen, optional_string(body, "password"));
  }
  const std::string password = chosen.value_or(random_hex(kGeneratedBytes));
  if (password.size() < kPasswordBytesMin || password.size() > kPasswordBytesMax) {
    return api::error_response(Errc::invalid_argument, "password must be 8 to 128 bytes");
  }
  API_ASSIGN_OR_RESPOND(auto sealed_hex, seal_subsonic_password(ctx, call.user->id, password));
  API_TRY(ctx.proposer.propose(catalog::SetSubsonicPassword{call.user->id, "", now_unix_ms(), sealed_hex}));
  return json_reply(200, {{"password", password}});
}

net::Response delete_password(ApiContext& ctx, api::Call& call) {
  API_TRY(ctx.proposer.propose(catalog::SetSubsonicPassword{call.user->id, "", now_unix_ms(), ""}));
  return json_reply(200, {{"ok", true}});
}

}  // namespace

void add_subsonic_password_routes(Router& router, ApiContext& ctx) {
  const char* path = "/api/v1/me/subsonic-password";
  router.add("GET", path, Permission::listen, [&](api::Call& c) { return get_password(ctx, c); });
  router.add("PUT", path, Permission::listen, [&](api::Call& c) { return put_password(ctx, c); });
  router.add("DELETE", path, Permission::listen, [&](api::Call& c) { return delete_password(ctx, c); });
}

}  // namespace dispotify::api::subsonic
