// GET /api/v1/audit?offset&limit&action= (admin): the audit log, newest
// first (catalog/audit.h).
#include <boost/json/parse.hpp>

#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "base/clock.h"
#include "catalog/audit.h"

namespace dispotify::api {
namespace {

constexpr size_t kActionBytesMax = 64;
constexpr int64_t kPageLimitMax = 500;  // as every paged list (docs/API.md)
constexpr int64_t kPageLimitDefault = 50;

boost::json::object event_json(const catalog::AuditEvent& e) {
  boost::json::value detail = boost::json::object{};
  boost::system::error_code ec;
  if (auto parsed = boost::json::parse(e.detail_json, ec); !ec && parsed.is_object())
    detail = std::move(parsed);
  const auto text_or_null = [](const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  };
  return {{"id", e.id},
          {"time", format_rfc3339_ms(e.at_ms)},
          {"actor", e.actor_id.empty() ? boost::json::value(nullptr)
                                       : boost::json::value(boost::json::object{{"id", e.actor_id},
                                                                                {"username", e.actor_name}})},
          {"action", e.action},
          {"target", e.target},
          {"detail", std::move(detail)},
          {"address", text_or_null(e.address)}};
}

net::Response list_audit(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto offset, query_int(call.request, "offset", 0, 0, INT64_MAX / 2));
  API_ASSIGN_OR_RESPOND(auto limit, query_int(call.request, "limit", kPageLimitDefault, 1, kPageLimitMax));
  const std::string action(call.request.query_param("action").value_or(""));
  if (action.size() > kActionBytesMax) return error_response(Errc::invalid_argument, "action is too long");
  API_ASSIGN_OR_RESPOND(auto page, catalog::audit_events(ctx.catalog, {offset, limit, action}));
  return json_reply(200, page_json(page, offset, limit, event_json));
}

}  // namespace

void add_audit_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/audit", Permission::read_audit, [&](Call& c) { return list_audit(ctx, c); });
}

}  // namespace dispotify::api
