// POST /api/v1/tracks: one audio file, as the raw body with ?filename=NAME
// or as multipart/form-data (the first part that has a filename).
#include "api/errors.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/routes.h"
#include "api/throttled_body.h"
#include "api/upload.h"
#include "net/multipart.h"

namespace dispotify::api {
namespace {

bool is_multipart(const net::Request& request) {
  const auto type = request.header("Content-Type");
  return type && type->substr(0, 19) == "multipart/form-data";
}

// Refused before the body is read; the client retries after a second.
net::Response too_many_uploads(const UploadLimits& limits) {
  net::Response r =
      error_response(Errc::too_many_requests, "at most " + std::to_string(limits.in_flight_per_user_max) +
                                                  " uploads in flight per user; retry when one has finished");
  r.set_header("Retry-After", "1");
  return r;
}

net::Response upload_track(ApiContext& ctx, Call& call) {
  const UploadLimiter::Ticket ticket = ctx.upload_limiter.try_begin(call.user->id);
  if (!ticket.held()) {
    ctx.metrics.count_upload("rejected");
    return too_many_uploads(ctx.upload_limiter.limits());
  }
  ThrottledBody body(*call.request.body, ctx.upload_limiter, call.user->id);
  Result<UploadOutcome> outcome = make_error(Errc::internal, "not run");
  if (is_multipart(call.request)) {
    API_ASSIGN_OR_RESPOND(auto part,
                          net::MultipartFileReader::open(body, *call.request.header("Content-Type")));
    outcome =
        ingest_track(ctx, *part, sanitize_filename(part->filename()), origin_of(call.request, call.user->id));
  } else {
    const auto filename = call.request.query_param("filename");
    if (!filename || filename->empty()) {
      return error_response(Errc::invalid_argument,
                            "send the file as multipart/form-data, or as the raw body with ?filename=NAME");
    }
    outcome = ingest_track(ctx, body, sanitize_filename(*filename), origin_of(call.request, call.user->id));
  }
  if (!outcome.ok()) {
    ctx.metrics.count_upload("rejected");
    return error_response(outcome.error());
  }
  ctx.metrics.count_upload(outcome->created ? "created" : "duplicate");
  return json_reply(outcome->created ? 201 : 200, track_json(outcome->track));
}

}  // namespace

void add_upload_routes(Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/tracks", Permission::upload, [&](Call& c) { return upload_track(ctx, c); });
}

}  // namespace dispotify::api
