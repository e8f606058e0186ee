#include "api/router.h"

#include <algorithm>

#include "api/cross_origin.h"
#include "api/errors.h"
#include "base/check.h"
#include "base/random.h"
#include "catalog/proposer.h"

namespace dispotify::api {
namespace {

// The message of the error that sends an inline call back to a worker.
constexpr const char* kRetryOnWorker = "retry on a worker thread";

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    const size_t end = std::min(path.find('/', pos), path.size());
    out.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, RouteHandler handler,
                 Consistency consistency) {
  DISPOTIFY_CHECK(!pattern.empty() && pattern[0] == '/');
  Route route{std::move(method), pattern, {}, access, std::move(handler), consistency};
  for (auto s : split_path(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

Router::Route& Router::route_at(std::string_view method, std::string_view pattern) {
  auto route = std::find_if(routes_.begin(), routes_.end(),
                            [&](const Route& r) { return r.method == method && r.pattern == pattern; });
  DISPOTIFY_CHECK(route != routes_.end());
  return *route;
}

void Router::allow_cross_origin_reads(std::string_view pattern) {
  route_at("GET", pattern).cross_origin_reads = true;
}

void Router::run_inline(std::string_view method, std::string_view pattern) {
  Route& route = route_at(method, pattern);
  DISPOTIFY_CHECK(route.method != "GET" && !route.access.open());
  route.inline_writes = true;
}

bool Router::runs_inline(const net::Request& request) const {
  if (request.method == "GET" || request.method == "HEAD" || !inline_ready_ || !inline_ready_()) return false;
  const auto path = split_path(request.path);
  std::vector<std::string> params;
  for (const Route& route : routes_) {
    if (route.method == request.method && match(route, path, params)) return route.inline_writes;
  }
  return false;
}

bool Router::match(const Route& route, const std::vector<std::string_view>& path,
                   std::vector<std::string>& params) {
  if (route.segments.size() != path.size()) return false;
  params.clear();
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      if (path[i].empty()) return false;
      params.emplace_back(path[i]);
    } else if (seg != path[i]) {
      return false;
    }
  }
  return true;
}

net::Response Router::handle(net::Request& request) const {
  const auto path = split_path(request.path);
  const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
  std::vector<std::string> params;
  std::string allowed;
  for (const Route& route : routes_) {
    if (!match(route, path, params)) continue;
    if (route.method == method) {
      net::Response response = run(route, request, std::move(params));
      if (route.cross_origin_reads) allow_cross_origin_read(response);
      return response;
    }
    if (request.method == "OPTIONS" && route.cross_origin_reads) return cross_origin_preflight();
    allowed += allowed.empty() ? route.method : ", " + route.method;
  }
  if (!allowed.empty()) {
    net::Response response =
        error_response(Errc::invalid_argument, "method " + request.method + " not allowed");
    response.status = 405;
    response.set_header("Allow", allowed);
    response.route = request.method + " (method not allowed)";
    return response;
  }
  if (fallback_) {
    Call call{request, {}, std::nullopt, std::nullopt};
    return fallback_(call);
  }
  net::Response response = error_response(Errc::not_found, "no such route: " + request.path);
  response.route = "(not found)";
  return response;
}

// A write with an Idempotency-Key header proposes its commands under ids
// derived from the key and the user, so a client's retry of a request whose
// answer it lost is answered without applying it twice.
net::Response Router::run_idempotent(const Route& route, Call& call) const {
  constexpr size_t kIdempotencyKeyBytesMax = 64;
  auto key = call.request.header("Idempotency-Key");
  if (!key || route.method == "GET") return route.handler(call);
  const bool printable = std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 127; });
  if (key->empty() || key->size() > kIdempotencyKeyBytesMax || !printable) {
    return error_response(Errc::invalid_argument,
                          "Idempotency-Key must be 1 to 64 printable ASCII characters");
  }
  const std::string seed = "key:" + call.user->id + ":" + std::string(*key);
  catalog::RequestIdScope requests(seed);
  IdSeedScope ids(seed);
  return route.handler(call);
}

Result<std::pair<catalog::User, catalog::Token>> Router::authenticate(const net::Request& request) const {
  auto who = authenticator_(request);
  if (who.ok() || who.error().code != Errc::unauthenticated || !barrier_) return who;
  // A stream or a write may run on the I/O thread, which must not wait for
  // the cluster: an unknown token there is retried on a worker (Router::run).
  if (net::handler_is_inline()) return make_error(Errc::unavailable, kRetryOnWorker);
  // The token may have been created through another node a moment ago:
  // catch up with the cluster once before refusing it.
  // If that fails (no majority), say so (503): a 401 would make the
  // client throw away a token that is valid.
  if (Status fresh = barrier_(); !fresh.ok()) return std::move(fresh).error();
  return authenticator_(request);
}

Status Router::read_barrier(const Route& route, const net::Request& request) const {
  auto wanted = request.query_param("consistency");
  if (wanted && *wanted != "stale" && *wanted != "linearizable") {
    return make_error(Errc::invalid_argument, "consistency must be 'linearizable' or 'stale'");
  }
  if (route.method != "GET" || route.consistency == Consistency::local || !barrier_) return ok_status();
  if (wanted && *wanted == "stale") return ok_status();
  return barrier_();
}

net::Response Router::run(const Route& route, net::Request& request, std::vector<std::string> params) const {
  Call call{request, std::move(params), std::nullopt, std::nullopt};
  net::Response response;
  if (!route.access.open()) {
    auto who = authenticate(request);
    Status fresh = who.ok() ? read_barrier(route, request) : ok_status();
    if (!who.ok() && who.error().message == kRetryOnWorker) {
      response.retry_on_worker = true;
    } else if (!who.ok()) {
      response = error_response(who.error());
    } else if (const Role role = role_of_record(who->first.role); !role_allows(role, route.access.needed())) {
      response =
          error_response(Errc::permission_denied,
                         "the " + std::string(role_name(role)) + " role may not do this (it needs the " +
                             std::string(permission_name(route.access.needed())) + " permission)");
    } else if (!fresh.ok()) {
      response = error_response(fresh.error());
    } else {
      call.user = std::move(who->first);
      call.token = std::move(who->second);
      response = run_idempotent(route, call);
      // A write about something created through another node a moment ago
      // (a track uploaded there, deleted here): this node may not have
      // applied it yet. Catch up with the cluster once before the 404 (only
      // without a body: the first run has read it).
      const auto length = request.body->content_length();
      const bool bodiless = length.has_value() && *length == 0;
      if (response.status == 404 && route.method != "GET" && bodiless && barrier_) {
        // Not on an I/O thread: the handler proposed nothing (it found
        // nothing), so a worker may run it again from the start.
        if (net::handler_is_inline()) {
          response.retry_on_worker = true;
        } else if (barrier_().ok()) {
          response = run_idempotent(route, call);
        }
      }
    }
  } else {
    response = route.handler(call);
  }
  if (response.route.empty()) response.route = route.method + " " + route.pattern;
  return response;
}

}  // namespace dispotify::api
