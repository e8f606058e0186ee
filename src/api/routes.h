// Route registration, one function per resource family; each lives in its
// own *_routes.cpp. docs/API.md lists every route.
#pragma once

#include <memory>

#include "api/context.h"
#include "api/router.h"

namespace dispotify::api {

void add_auth_routes(Router& router, ApiContext& ctx);
void add_user_routes(Router& router, ApiContext& ctx);
void add_library_routes(Router& router, ApiContext& ctx);
void add_upload_routes(Router& router, ApiContext& ctx);
void add_stream_routes(Router& router, ApiContext& ctx);
void add_playlist_routes(Router& router, ApiContext& ctx);
void add_ops_routes(Router& router, ApiContext& ctx);
void add_cluster_routes(Router& router, ApiContext& ctx);
void add_audit_routes(Router& router, ApiContext& ctx);
// The web app at / and the fallback for unmatched paths (web_routes.h).
void add_web_routes(Router& router, ApiContext& ctx);

// The whole public API: its router (for ServerOptions::run_inline too), or
// as one handler for the HTTP server.
std::shared_ptr<const Router> make_api_router(ApiContext& ctx);
net::Handler make_api_handler(ApiContext& ctx);

}  // namespace dispotify::api
