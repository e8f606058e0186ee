// Operations: /healthz (the process answers), /readyz (it can serve),
// /metrics (Prometheus text), /api/openapi.json (the API description).
#include "api/errors.h"
#include "api/json_views.h"
#include "api/openapi.h"
#include "api/routes.h"

namespace dispotify::api {
namespace {

net::Response text(int status, std::string content_type, std::string body) {
  net::Response response;
  response.status = status;
  response.set_header("Content-Type", std::move(content_type));
  response.set_header("Cache-Control", "no-store");
  response.body = std::move(body);
  return response;
}

}  // namespace

void add_ops_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/healthz", Access::anyone, [](Call&) { return json_reply(200, {{"status", "ok"}}); });
  // ?caught_up=1 is for an orchestrator's rolling update (a Kubernetes
  // readiness probe): the node is ready only once it has caught up with
  // the cluster since it started, so the next node is not stopped while
  // this one still lags. It stays ready afterwards, also cut off from the
  // majority, since it still streams what it holds. Plain /readyz never
  // depends on the other nodes: a container health check must not
  // restart a node because its peers are down.
  router.add("GET", "/readyz", Access::anyone, [&](Call& call) {
    if (!ctx.ready.load()) return error_response(Errc::unavailable, "starting up");
    if (call.request.query_param("caught_up").value_or("0") != "0" && !ctx.caught_up.load()) {
      Status barrier = ctx.proposer.read_barrier();
      if (!barrier.ok()) {
        return error_response(Errc::unavailable,
                              "not caught up with the cluster yet: " + barrier.error().message);
      }
      ctx.caught_up.store(true);
    }
    return json_reply(200, {{"status", "ready"}, {"node_id", ctx.options.node_id}});
  });
  router.add("GET", "/metrics", Access::anyone, [&](Call&) {
    return text(200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics.render());
  });
  router.add("GET", "/api/openapi.json", Access::anyone, [](Call&) {
    net::Response r = text(200, "application/json", std::string(openapi_document()));
    r.set_header("Cache-Control", "no-cache");
    return r;
  });
  router.add("GET", "/api/v1/version", Access::anyone, [&](Call&) {
    return json_reply(
        200, {{"name", "dispotify"}, {"version", DISPOTIFY_VERSION}, {"node_id", ctx.options.node_id}});
  });
}

}  // namespace dispotify::api
