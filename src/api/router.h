// Maps (method, path) to a route handler, authenticating on the way.
//
// Patterns are literal segments and {param} segments ("/api/v1/tracks/{id}").
// The router answers 404 for unknown paths, 405 with Allow for known paths
// with another method, 401 without a valid token and 403 for a role that is
// not allowed, before any route code runs. HEAD is served by GET routes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

enum class Access { anyone, user, admin };

struct Call {
  net::Request& request;
  std::vector<std::string> params;      // values of the {param} segments, in order
  std::optional<catalog::User> user;    // set for Access::user and Access::admin
  std::optional<catalog::Token> token;  // the token that authenticated the call

  const std::string& param(size_t i) const { return params.at(i); }
};

using RouteHandler = std::function<net::Response(Call&)>;
// Resolves the Authorization header to a user, or an Error (401).
using Authenticator = std::function<Result<std::pair<catalog::User, catalog::Token>>(const net::Request&)>;

class Router {
 public:
  explicit Router(Authenticator authenticator) : authenticator_(std::move(authenticator)) {}
  void add(std::string method, std::string pattern, Access access, RouteHandler handler);
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
  };
  static bool match(const Route& route, const std::vector<std::string_view>& path,
                    std::vector<std::string>& params);
  net::Response run(const Route& route, net::Request& request, std::vector<std::string> params) const;

  Authenticator authenticator_;
  std::vector<Route> routes_;
  RouteHandler fallback_;
};

}  // namespace dispotify::api
