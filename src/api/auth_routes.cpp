// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/me,
// GET|POST /api/v1/tokens, DELETE /api/v1/tokens/{id}.
#include "api/auth.h"
#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/routes.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/password.h"

namespace dispotify::api {
namespace {

constexpr size_t kTokenNameBytesMax = 100;

// 429 with Retry-After while the limiter holds this login up; status 0
// when it may go ahead.
net::Response too_many_failed_logins(ApiContext& ctx, const std::string& username,
                                     const std::string& address) {
  const int64_t wait_ms = ctx.login_limiter.wait_ms(username, address, now_unix_ms());
  if (wait_ms == 0) return net::Response{.status = 0};
  const int64_t seconds = (wait_ms + 999) / 1000;
  net::Response r = error_response(Errc::too_many_requests,
                                   "too many failed logins: try again in " + std::to_string(seconds) + " s");
  r.set_header("Retry-After", std::to_string(seconds));
  return r;
}

// Into the audit log. The limiter above bounds how often one user or
// address gets here; if the cluster cannot take it (no majority), the
// client still gets its 401 and the node logs the attempt.
void record_login_failure(ApiContext& ctx, const std::string& username, catalog::Origin origin) {
  catalog::RecordLoginFailure failure{client_text(username, kFailedUsernameBytesMax), std::move(origin)};
  if (auto recorded = ctx.proposer.propose(failure); !recorded.ok()) {
    log::warn("failed login not recorded in the audit log", {{"username", failure.username},
                                                             {"address", failure.origin.address},
                                                             {"error", recorded.error().message}});
  }
}

net::Response login(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"username", "password"}));
  API_ASSIGN_OR_RESPOND(auto username, required_string(body, "username"));
  API_ASSIGN_OR_RESPOND(auto password, required_string(body, "password"));
  const std::string address = address_without_port(call.request.remote_address);
  if (net::Response held = too_many_failed_logins(ctx, username, address); held.status != 0) return held;
  API_ASSIGN_OR_RESPOND(auto user, ctx.catalog.user_by_name(username));
  // One message for both cases: do not reveal which usernames exist.
  if (!user || !verify_password(user->password_hash, password)) {
    ctx.login_limiter.record_failure(username, address, now_unix_ms());
    record_login_failure(ctx, username, origin_of(call.request, "", true));
    return error_response(Errc::unauthenticated, "wrong username or password");
  }
  ctx.login_limiter.record_success(username, address);
  API_ASSIGN_OR_RESPOND(
      auto issued, issue_token(ctx, user->id, "session", "login", origin_of(call.request, user->id, true)));
  return json_reply(200, {{"token", issued.secret},
                          {"expires_at", format_rfc3339_ms(issued.token.expires_at_ms)},
                          {"user", user_json(*user)}});
}

net::Response logout(ApiContext& ctx, Call& call) {
  API_TRY(ctx.proposer.propose(catalog::RevokeToken{call.token->id}));
  return json_reply(200, {{"ok", true}});
}

net::Response create_api_token(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"name"}));
  API_ASSIGN_OR_RESPOND(auto name, required_string(body, "name"));
  if (name.empty() || name.size() > kTokenNameBytesMax) {
    return error_response(Errc::invalid_argument, "name must be 1 to 100 bytes");
  }
  API_ASSIGN_OR_RESPOND(auto issued,
                        issue_token(ctx, call.user->id, "api", name, origin_of(call.request, call.user->id)));
  boost::json::object out = token_json(issued.token);
  out["token"] = issued.secret;
  return json_reply(201, out);
}

net::Response revoke_token(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto tokens, ctx.catalog.tokens_of(call.user->id));
  const bool mine =
      std::any_of(tokens.begin(), tokens.end(), [&](const auto& t) { return t.id == call.param(0); });
  if (!mine) return error_response(Errc::not_found, "no token " + call.param(0) + " of yours");
  API_TRY(ctx.proposer.propose(catalog::RevokeToken{call.param(0)}));
  return json_reply(200, {{"ok", true}});
}

}  // namespace

void add_auth_routes(Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/auth/login", Access::anyone, [&](Call& c) { return login(ctx, c); });
  router.add("POST", "/api/v1/auth/logout", Permission::listen, [&](Call& c) { return logout(ctx, c); });
  router.add("GET", "/api/v1/me", Permission::listen,
             [](Call& c) { return json_reply(200, user_json(*c.user)); });
  router.add("GET", "/api/v1/tokens", Permission::listen, [&](Call& c) {
    API_ASSIGN_OR_RESPOND(auto tokens, ctx.catalog.tokens_of(c.user->id));
    return json_reply(200, {{"items", json_array(tokens, token_json)}});
  });
  router.add("POST", "/api/v1/tokens", Permission::listen, [&](Call& c) { return create_api_token(ctx, c); });
  router.add("DELETE", "/api/v1/tokens/{id}", Permission::listen,
             [&](Call& c) { return revoke_token(ctx, c); });
}

}  // namespace dispotify::api
