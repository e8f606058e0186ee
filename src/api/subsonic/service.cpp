#include "api/subsonic/service.h"

#include <memory>

#include "api/subsonic/auth.h"
#include "api/subsonic/response.h"

namespace dispotify::api::subsonic {
namespace {

constexpr std::string_view kViewSuffix = ".view";
constexpr const char* kNoAuthMethod = "getOpenSubsonicExtensions";

struct Service {
  ApiContext& ctx;
  MethodTable methods;
  PasswordCache passwords;
};

std::string method_name(std::string name) {
  if (name.size() > kViewSuffix.size() && name.ends_with(kViewSuffix))
    name.resize(name.size() - kViewSuffix.size());
  return name;
}

net::Response answer(const Rendering& rendering, Result<Answer> result) {
  if (!result.ok()) return error_response(rendering, result.error());
  if (auto* raw = std::get_if<net::Response>(&*result)) return std::move(*raw);
  return ok_response(rendering, std::get<Payload>(*result));
}

net::Response handle(Service& service, net::Request& request, const std::string& segment) {
  const std::string name = method_name(segment);
  auto params = Params::of(request);
  if (!params.ok()) {
    const Rendering fallback = rendering_of(request.query_param("f").value_or(""), "");
    return error_response(fallback, params.error());
  }
  const Rendering rendering =
      rendering_of(params->get("f").value_or(""), params->get("callback").value_or(""));
  auto found = service.methods.find(name);
  if (found == service.methods.end()) {
    net::Response response = error_response(rendering, Code::not_found, "unknown method " + name);
    response.route = request.method + " /rest/(unknown)";
    return response;
  }
  const std::string route = request.method + " /rest/" + name;
  catalog::User anonymous;
  AuthOutcome who;
  if (name != kNoAuthMethod) {
    who = authenticate(service.ctx, service.passwords, *params, address_without_port(request.remote_address));
    if (!who.user) {
      net::Response response = error_response(rendering, who.code, who.message);
      response.route = route;
      return response;
    }
  }
  const catalog::User& user = who.user ? *who.user : anonymous;
  net::Response response;
  if (const Role role = role_of_record(user.role); who.user && !role_allows(role, found->second.needed)) {
    response = error_response(rendering, Code::not_authorized,
                              "the " + std::string(role_name(role)) + " role may not call " + name);
    response.route = route;
    return response;
  }
  if (found->second.linearizable && name != kNoAuthMethod) {
    if (Status fresh = service.ctx.proposer.read_barrier(); !fresh.ok()) {
      response = error_response(rendering, fresh.error());
      response.route = route;
      return response;
    }
  }
  Call call{service.ctx, *params, user, request, Views(service.ctx, user.id)};
  response = answer(rendering, found->second.run(call));
  response.route = route;
  return response;
}

}  // namespace

void add_subsonic_routes(Router& router, ApiContext& ctx) {
  auto service = std::shared_ptr<Service>(new Service{ctx, {}, {}});
  add_system_methods(service->methods);
  add_browse_methods(service->methods);
  add_list_methods(service->methods);
  add_annotation_methods(service->methods);
  add_playlist_methods(service->methods);
  add_media_methods(service->methods);
  // Authentication is Subsonic's own (query or form parameters), so the
  // router lets every call through and the service answers in its format.
  for (const char* method : {"GET", "POST"}) {
    router.add(
        method, "/rest/{method}", Access::anyone,
        [service](api::Call& c) { return handle(*service, c.request, c.param(0)); }, Consistency::local);
  }
}

Result<catalog::Track> find_track(const Call& call, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, call.ctx.catalog.track(id));
  if (!track) return make_error(Errc::not_found, "song not found: " + id);
  return std::move(*track);
}

Payload payload(std::string_view key, boost::json::value value) {
  Payload out;
  out[key] = std::move(value);
  return out;
}

}  // namespace dispotify::api::subsonic
