// Admin-only user management: GET|POST /api/v1/users,
// GET|PATCH|DELETE /api/v1/users/{id}.
#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/permissions.h"
#include "api/routes.h"
#include "api/user_validation.h"
#include "base/clock.h"
#include "base/password.h"
#include "base/random.h"

namespace dispotify::api {
namespace {

net::Response create_user(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"username", "password", "role"}));
  API_ASSIGN_OR_RESPOND(auto username, required_string(body, "username"));
  API_ASSIGN_OR_RESPOND(auto password, required_string(body, "password"));
  API_ASSIGN_OR_RESPOND(auto role, optional_string(body, "role"));
  catalog::User user;
  // Without a role, the least privilege (permissions.h): uploading is given on purpose.
  user.role = role.value_or(std::string(role_name(kDefaultRole)));
  API_TRY(validate_username(username));
  API_TRY(validate_password(password));
  API_TRY(validate_role(user.role));
  API_ASSIGN_OR_RESPOND(user.password_hash, hash_password(password));
  user.id = random_id();
  user.username = username;
  user.created_at_ms = now_unix_ms();
  API_TRY(ctx.proposer.propose(catalog::CreateUser{user, origin_of(call.request, call.user->id)}));
  return json_reply(201, user_json(user));
}

net::Response update_user(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"username", "password", "role"}));
  API_ASSIGN_OR_RESPOND(auto username, optional_string(body, "username"));
  API_ASSIGN_OR_RESPOND(auto password, optional_string(body, "password"));
  if (username) API_TRY(validate_username(*username));
  API_ASSIGN_OR_RESPOND(auto role, optional_string(body, "role"));
  if (password) API_TRY(validate_password(*password));
  if (role) API_TRY(validate_role(*role));
  if (role && call.param(0) == call.user->id && *role != catalog::kRoleAdmin) {
    return error_response(Errc::conflict, "an admin cannot take the admin role from themselves");
  }
  API_ASSIGN_OR_RESPOND(auto existing, ctx.catalog.user_by_id(call.param(0)));
  if (!existing) return error_response(Errc::not_found, "no user " + call.param(0));
  // A rename needs cluster level 2 (catalog/feature_level.h): 503 while an
  // older binary is still a member, before anything else changed.
  if (username && *username != existing->username) {
    API_TRY(ctx.proposer.propose(
        catalog::RenameUser{call.param(0), *username, origin_of(call.request, call.user->id)}));
  }
  if (password) {
    API_ASSIGN_OR_RESPOND(auto hash, hash_password(*password));
    API_TRY(ctx.proposer.propose(
        catalog::SetUserPassword{call.param(0), hash, origin_of(call.request, call.user->id)}));
  }
  if (role && *role != existing->role) {
    API_TRY(ctx.proposer.propose(
        catalog::SetUserRole{call.param(0), *role, origin_of(call.request, call.user->id)}));
  }
  API_ASSIGN_OR_RESPOND(auto user, ctx.catalog.user_by_id(call.param(0)));
  if (!user) return error_response(Errc::not_found, "no user " + call.param(0));
  return json_reply(200, user_json(*user));
}

net::Response delete_user(ApiContext& ctx, Call& call) {
  if (call.param(0) == call.user->id)
    return error_response(Errc::conflict, "an admin cannot delete themselves");
  API_TRY(ctx.proposer.propose(catalog::DeleteUser{call.param(0), origin_of(call.request, call.user->id)}));
  return json_reply(200, {{"ok", true}});
}

}  // namespace

void add_user_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/users", Permission::manage_users, [&](Call&) {
    API_ASSIGN_OR_RESPOND(auto users, ctx.catalog.users());
    return json_reply(200, {{"items", json_array(users, user_json)}});
  });
  router.add("POST", "/api/v1/users", Permission::manage_users, [&](Call& c) { return create_user(ctx, c); });
  router.add("GET", "/api/v1/users/{id}", Permission::manage_users, [&](Call& c) {
    API_ASSIGN_OR_RESPOND(auto user, ctx.catalog.user_by_id(c.param(0)));
    if (!user) return error_response(Errc::not_found, "no user " + c.param(0));
    return json_reply(200, user_json(*user));
  });
  router.add("PATCH", "/api/v1/users/{id}", Permission::manage_users,
             [&](Call& c) { return update_user(ctx, c); });
  router.add("DELETE", "/api/v1/users/{id}", Permission::manage_users,
             [&](Call& c) { return delete_user(ctx, c); });
}

}  // namespace dispotify::api
