// The cluster, for admins: GET /api/v1/cluster (every member's role, term,
// commit and applied index, lag, health), POST /api/v1/cluster/remove and
// POST /api/v1/cluster/transfer-leader. Served from this node's own view
// (no read barrier), so a node cut off from the majority can still say so.
#include "api/errors.h"
#include "api/json_input.h"
#include "api/routes.h"

namespace dispotify::api {
namespace {

net::Response cluster_status(ApiContext& ctx) {
  API_ASSIGN_OR_RESPOND(std::string body, ctx.cluster->cluster_status_json());
  return json_response(200, std::move(body));
}

template <class Action>
net::Response node_action(Call& call, Action action) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"node_id"}));
  API_ASSIGN_OR_RESPOND(auto node_id, required_string(body, "node_id"));
  API_TRY(action(node_id));
  net::Response response;
  response.status = 204;
  return response;
}

}  // namespace

void add_cluster_routes(Router& router, ApiContext& ctx) {
  if (ctx.cluster == nullptr) return;
  router.add(
      "GET", "/api/v1/cluster", Access::admin, [&](Call&) { return cluster_status(ctx); },
      Consistency::local);
  router.add("POST", "/api/v1/cluster/remove", Access::admin, [&](Call& c) {
    return node_action(c, [&](const std::string& id) { return ctx.cluster->remove(id); });
  });
  router.add("POST", "/api/v1/cluster/transfer-leader", Access::admin, [&](Call& c) {
    return node_action(c, [&](const std::string& id) { return ctx.cluster->transfer_leader(id); });
  });
}

}  // namespace dispotify::api
