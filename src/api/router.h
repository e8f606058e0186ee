// Maps (method, path) to a route handler, authenticating on the way.
//
// Patterns are literal segments and {param} segments ("/api/v1/tracks/{id}").
// The router answers 404 for unknown paths, 405 with Allow for known paths
// with another method, 401 without a valid token and 403 when the caller's
// role lacks the route's permission (api/permissions.h), before any route
// code runs. HEAD is served by GET routes.
// OPTIONS is answered (a CORS preflight) only on paths whose GET route
// allows cross-origin reads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/permissions.h"
#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

// Who may call a route: anyone (no token), or a signed-in user whose role
// holds the permission. Routes write the permission (Permission::listen)
// or Access::anyone.
class Access {
 public:
  static const Access anyone;
  constexpr Access(Permission needed) : needed_(needed), open_(false) {}  // NOLINT: implicit on purpose

  bool open() const { return open_; }
  Permission needed() const { return needed_; }

 private:
  constexpr Access(Permission needed, bool open) : needed_(needed), open_(open) {}
  Permission needed_;
  bool open_;
};
inline constexpr Access Access::anyone{Permission::listen, true};

// How fresh the catalog must be for a GET route. linearizable (the
// default for authenticated GETs): the router first passes the read
// barrier, so the answer reflects every write acknowledged before the
// request, on any node (?consistency=stale skips it). local: the route
// reads this node's catalog as it is, so a node cut off from the majority
// still serves it (streams and covers).
enum class Consistency { linearizable, local };

struct Call {
  net::Request& request;
  std::vector<std::string> params;      // values of the {param} segments, in order
  std::optional<catalog::User> user;    // set unless the route is Access::anyone
  std::optional<catalog::Token> token;  // the token that authenticated the call

  const std::string& param(size_t i) const { return params.at(i); }
};

using RouteHandler = std::function<net::Response(Call&)>;
// Resolves the Authorization header to a user, or an Error (401).
using Authenticator = std::function<Result<std::pair<catalog::User, catalog::Token>>(const net::Request&)>;
// Returns once this node's catalog holds every committed write, or an
// Error (Errc::unavailable: no majority).
using ReadBarrier = std::function<Status()>;

class Router {
 public:
  Router(Authenticator authenticator, ReadBarrier barrier)
      : authenticator_(std::move(authenticator)), barrier_(std::move(barrier)) {}
  void add(std::string method, std::string pattern, Access access, RouteHandler handler,
           Consistency consistency = Consistency::linearizable);
  // Lets pages of other origins (the cluster's other nodes) read the GET
  // route `pattern`, added before: its answers, errors included, carry
  // Access-Control-Allow-Origin and OPTIONS on its path is a preflight
  // (api/cross_origin.h). Only for routes that change nothing.
  void allow_cross_origin_reads(std::string_view pattern);
  // Lets the write route (method, pattern), added before, run on an I/O
  // thread while `ready()` holds (the proposer proposes without waiting):
  // its handler answers through propose_then (api/deferred_write.h) and
  // reads little. See runs_inline().
  void run_inline(std::string_view method, std::string_view pattern);
  void set_inline_ready(std::function<bool()> ready) { inline_ready_ = std::move(ready); }
  // For ServerOptions::run_inline: the request is for such a route, now.
  bool runs_inline(const net::Request& request) const;
  // Fallback for paths no route matches (e.g. the web app); default 404.
  void set_fallback(RouteHandler handler) { fallback_ = std::move(handler); }
  net::Response handle(net::Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    RouteHandler handler;
    Consistency consistency;
    bool cross_origin_reads = false;
    bool inline_writes = false;
  };
  Route& route_at(std::string_view method, std::string_view pattern);
  static bool match(const Route& route, const std::vector<std::string_view>& path,
                    std::vector<std::string>& params);
  net::Response run(const Route& route, net::Request& request, std::vector<std::string> params) const;
  net::Response run_idempotent(const Route& route, Call& call) const;
  Result<std::pair<catalog::User, catalog::Token>> authenticate(const net::Request& request) const;
  [[nodiscard]] Status read_barrier(const Route& route, const net::Request& request) const;

  Authenticator authenticator_;
  ReadBarrier barrier_;
  std::vector<Route> routes_;
  RouteHandler fallback_;
  std::function<bool()> inline_ready_;
};

}  // namespace dispotify::api
