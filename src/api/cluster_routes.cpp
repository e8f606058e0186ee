// The cluster, for admins: GET /api/v1/cluster (every member's role, term,
// commit and applied index, lag, health), POST /api/v1/cluster/remove and
// POST /api/v1/cluster/transfer-leader. For any user: GET
// /api/v1/cluster/nodes (where the other nodes are). Served from this
// node's own view (no read barrier), so a node cut off from the majority
// can still say so.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/routes.h"

namespace dispotify::api {
namespace {

net::Response cluster_status(ApiContext& ctx) {
  API_ASSIGN_OR_RESPOND(std::string body, ctx.cluster->cluster_status_json());
  return json_response(200, std::move(body));
}

// Every member's public base URL, from the committed member list: a client
// whose node goes away continues on another one (the web player). The
// scheme is the one this request came with: every node of a cluster serves
// HTTPS or none does (--tls-cert); `--advertise` is the address given.
net::Response cluster_nodes(ApiContext& ctx, bool https) {
  API_ASSIGN_OR_RESPOND(std::vector<catalog::Member> members, ctx.catalog.members());
  boost::json::array nodes;
  for (const catalog::Member& member : members) {
    nodes.push_back(boost::json::object{{"node_id", member.node_id},
                                        {"url", (https ? "https://" : "http://") + member.api_address}});
  }
  return json_reply(
      200, boost::json::object{{"node_id", ctx.cluster->self().node_id}, {"nodes", std::move(nodes)}});
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
      "GET", "/api/v1/cluster", Permission::manage_cluster, [&](Call&) { return cluster_status(ctx); },
      Consistency::local);
  router.add(
      "GET", "/api/v1/cluster/nodes", Permission::listen,
      [&](Call& call) { return cluster_nodes(ctx, call.request.over_tls); }, Consistency::local);
  // Read by a player that streams from another node once its own is gone.
  router.allow_cross_origin_reads("/api/v1/cluster/nodes");
  router.add("POST", "/api/v1/cluster/remove", Permission::manage_cluster, [&](Call& c) {
    return node_action(c, [&](const std::string& id) { return ctx.cluster->remove(id); });
  });
  router.add("POST", "/api/v1/cluster/transfer-leader", Permission::manage_cluster, [&](Call& c) {
    return node_action(c, [&](const std::string& id) { return ctx.cluster->transfer_leader(id); });
  });
  // This node's peer certificate, replaced by a new key's (the old one is
  // revoked): key rotation, node by node (docs/SECURITY.md).
  router.add("POST", "/api/v1/cluster/renew-certificate", Permission::manage_cluster, [&](Call&) {
    API_ASSIGN_OR_RESPOND(std::string serial, ctx.cluster->renew_certificate());
    return json_reply(
        200, boost::json::object{{"node_id", ctx.cluster->self().node_id}, {"certificate_serial", serial}});
  });
  // A new join token for the whole cluster (the old one lets nobody in
  // any more): given, or generated and shown once.
  router.add("POST", "/api/v1/cluster/join-token", Permission::manage_cluster, [&](Call& call) {
    API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"join_token"}));
    API_ASSIGN_OR_RESPOND(auto wanted, optional_string(body, "join_token"));
    API_ASSIGN_OR_RESPOND(
        std::string token,
        ctx.cluster->set_join_token(wanted.value_or(""), origin_of(call.request, call.user->id)));
    return json_reply(200, boost::json::object{{"join_token", token}});
  });
}

}  // namespace dispotify::api
