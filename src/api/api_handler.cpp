#include "api/auth.h"
#include "api/routes.h"
#include "api/subsonic/service.h"

namespace dispotify::api {

std::shared_ptr<const Router> make_api_router(ApiContext& ctx) {
  auto router = std::make_shared<Router>([&ctx](const net::Request& r) { return authenticate(ctx, r); },
                                         [&ctx] { return ctx.proposer.read_barrier(); });
  add_ops_routes(*router, ctx);
  add_auth_routes(*router, ctx);
  add_user_routes(*router, ctx);
  add_library_routes(*router, ctx);
  add_upload_routes(*router, ctx);
  add_stream_routes(*router, ctx);
  add_playlist_routes(*router, ctx);
  add_cluster_routes(*router, ctx);
  add_audit_routes(*router, ctx);
  subsonic::add_subsonic_routes(*router, ctx);
  subsonic::add_subsonic_password_routes(*router, ctx);
  add_web_routes(*router, ctx);
  router->set_inline_ready([&ctx] { return ctx.proposer.proposes_without_waiting(); });
  return router;
}

net::Handler make_api_handler(ApiContext& ctx) {
  return [router = make_api_router(ctx)](net::Request& request) { return router->handle(request); };
}

}  // namespace dispotify::api
