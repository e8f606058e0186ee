// The Subsonic API under /rest: one route per method name (with or without
// ".view", GET or form POST) dispatched through a table of endpoints.
// Authentication, the read barrier and the envelope are done here once;
// endpoints only read parameters and the catalog and build a payload.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <unordered_map>
#include <variant>

#include "api/context.h"
#include "api/router.h"
#include "api/subsonic/params.h"
#include "api/subsonic/response.h"
#include "api/subsonic/views.h"

namespace dispotify::api::subsonic {

// What a method needs to answer one call.
struct Call {
  ApiContext& ctx;
  const Params& params;
  const catalog::User& user;
  net::Request& http;
  Views views;
};

// The members an endpoint adds to subsonic-response, or a whole response
// of its own (audio, images).
using Payload = boost::json::object;
using Answer = std::variant<Payload, net::Response>;
using Endpoint = Result<Answer> (*)(Call&);

struct Method {
  Endpoint run = nullptr;
  // linearizable: the answer reflects every write acknowledged before the
  // call, on any node (the read barrier runs first). Streams and covers
  // read the local catalog, so a node cut off from the majority plays on.
  bool linearizable = true;
  // What the caller's role must allow (api/permissions.h); else error 50
  // before the method runs. Per-record checks (whose playlist) stay in it.
  Permission needed = Permission::listen;
};

using MethodTable = std::unordered_map<std::string, Method>;

// One per group of endpoints, each in its own file.
void add_system_methods(MethodTable& table);
void add_browse_methods(MethodTable& table);
void add_list_methods(MethodTable& table);
void add_annotation_methods(MethodTable& table);
void add_playlist_methods(MethodTable& table);
void add_media_methods(MethodTable& table);

// Registers /rest/{method} for GET and POST.
void add_subsonic_routes(Router& router, ApiContext& ctx);
// PUT|GET|DELETE /api/v1/me/subsonic-password (password_routes.cpp).
void add_subsonic_password_routes(Router& router, ApiContext& ctx);

// Helpers shared by the endpoint files.
[[nodiscard]] Result<catalog::Track> find_track(const Call& call, const std::string& id);
Payload payload(std::string_view key, boost::json::value value);

}  // namespace dispotify::api::subsonic
