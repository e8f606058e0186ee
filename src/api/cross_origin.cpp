#include "api/cross_origin.h"

namespace dispotify::api {
namespace {

// How long a browser may reuse a preflight's answer.
constexpr const char* kPreflightMaxAgeSeconds = "600";

}  // namespace

void allow_cross_origin_read(net::Response& response) {
  // "*" and not the caller's origin: the answer does not depend on it (the
  // token in the URL is what authorizes), so caches need no Vary: Origin.
  response.set_header("Access-Control-Allow-Origin", "*");
  response.set_header("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag");
}

net::Response cross_origin_preflight() {
  net::Response response;
  response.status = 204;
  response.set_header("Access-Control-Allow-Origin", "*");
  response.set_header("Access-Control-Allow-Methods", "GET, HEAD");
  response.set_header("Access-Control-Allow-Headers", "Range");
  response.set_header("Access-Control-Max-Age", kPreflightMaxAgeSeconds);
  response.route = "OPTIONS (cross-origin preflight)";
  return response;
}

}  // namespace dispotify::api
