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
  router.add("GET", "/readyz", Access::anyone, [&](Call&) {
    if (!ctx.ready.load()) return error_response(Errc::unavailable, "starting up");
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
