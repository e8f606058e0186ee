// Browsing: /api/v1/tracks, /api/v1/albums, /api/v1/artists (lists and
// single records), DELETE /api/v1/tracks/{id}, GET /api/v1/search.
#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/routes.h"
#include "base/log.h"

namespace dispotify::api {
namespace {

constexpr int64_t kPageLimitMax = 500;
constexpr int64_t kPageLimitDefault = 50;
constexpr int64_t kSearchLimitMax = 100;
constexpr int64_t kSearchLimitDefault = 20;
constexpr size_t kSearchQueryBytesMax = 256;

struct Paging {
  int64_t offset;
  int64_t limit;
  std::string sort;
  catalog::SortOrder order;
};

Result<Paging> read_paging(const net::Request& request, std::string default_sort) {
  Paging p;
  DISPOTIFY_ASSIGN_OR_RETURN(p.offset, query_int(request, "offset", 0, 0, INT64_MAX / 2));
  DISPOTIFY_ASSIGN_OR_RETURN(p.limit, query_int(request, "limit", kPageLimitDefault, 1, kPageLimitMax));
  p.sort = std::string(request.query_param("sort").value_or(default_sort));
  const auto order = request.query_param("order").value_or("asc");
  if (order != "asc" && order != "desc")
    return make_error(Errc::invalid_argument, "order must be asc or desc");
  p.order = order == "desc" ? catalog::SortOrder::desc : catalog::SortOrder::asc;
  return p;
}

net::Response list_tracks(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto p, read_paging(call.request, "title"));
  API_ASSIGN_OR_RESPOND(auto page, ctx.catalog.tracks({p.offset, p.limit, p.sort, p.order}));
  return json_reply(200, page_json(page, p.offset, p.limit, track_json));
}

net::Response get_track(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto track, ctx.catalog.track(call.param(0)));
  if (!track) return error_response(Errc::not_found, "no track " + call.param(0));
  return json_reply(200, track_json(*track));
}

// Removes a blob once no track uses it. A failure only leaves garbage.
void collect_blob(ApiContext& ctx, const std::string& hash) {
  if (hash.empty()) return;
  auto used = ctx.catalog.blob_referenced(hash);
  if (!used.ok() || *used) return;
  if (auto removed = ctx.blobs.remove(hash); !removed.ok()) {
    log::warn("could not remove unreferenced blob", {{"hash", hash}, {"error", removed.error().message}});
  }
}

net::Response delete_track(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto track, ctx.catalog.track(call.param(0)));
  if (!track) return error_response(Errc::not_found, "no track " + call.param(0));
  // The router checked the upload permission; other people's tracks are
  // shared library data.
  const bool own = track->uploaded_by == call.user->id;
  if (!own && !role_allows(role_of_record(call.user->role), Permission::edit_library)) {
    return error_response(Errc::permission_denied, "only an admin or the uploader may delete a track");
  }
  API_TRY(ctx.proposer.propose(catalog::DeleteTrack{track->id, origin_of(call.request, call.user->id)}));
  collect_blob(ctx, track->content_hash);
  collect_blob(ctx, track->cover_hash);
  return json_reply(200, {{"ok", true}});
}

net::Response list_albums(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto p, read_paging(call.request, "name"));
  API_ASSIGN_OR_RESPOND(auto page, ctx.catalog.albums({p.offset, p.limit, p.sort, p.order}));
  return json_reply(200, page_json(page, p.offset, p.limit, album_json));
}

net::Response get_album(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto album, ctx.catalog.album(call.param(0)));
  if (!album) return error_response(Errc::not_found, "no album " + call.param(0));
  boost::json::object out = album_json(album->album);
  out["tracks"] = json_array(album->tracks, track_json);
  return json_reply(200, out);
}

net::Response list_artists(ApiContext& ctx, Call& call) {
  // Artists have one order (by name), so sort and order are not read.
  API_ASSIGN_OR_RESPOND(auto offset, query_int(call.request, "offset", 0, 0, INT64_MAX / 2));
  API_ASSIGN_OR_RESPOND(auto limit, query_int(call.request, "limit", kPageLimitDefault, 1, kPageLimitMax));
  API_ASSIGN_OR_RESPOND(auto page, ctx.catalog.artists({offset, limit}));
  return json_reply(200, page_json(page, offset, limit, artist_json));
}

net::Response get_artist(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto artist, ctx.catalog.artist(call.param(0)));
  if (!artist) return error_response(Errc::not_found, "no artist " + call.param(0));
  boost::json::object out = artist_json(artist->artist);
  out["albums"] = json_array(artist->albums, album_json);
  out["tracks"] = json_array(artist->tracks, track_json);
  return json_reply(200, out);
}

net::Response search(ApiContext& ctx, Call& call) {
  const auto q = call.request.query_param("q");
  if (!q) return error_response(Errc::invalid_argument, "query parameter q is required");
  if (q->size() > kSearchQueryBytesMax)
    return error_response(Errc::invalid_argument, "q is longer than 256 bytes");
  API_ASSIGN_OR_RESPOND(auto limit,
                        query_int(call.request, "limit", kSearchLimitDefault, 1, kSearchLimitMax));
  API_ASSIGN_OR_RESPOND(auto found, ctx.catalog.search(*q, limit));
  return json_reply(200, {{"tracks", json_array(found.tracks, track_json)},
                          {"albums", json_array(found.albums, album_json)},
                          {"artists", json_array(found.artists, artist_json)}});
}

}  // namespace

void add_library_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/tracks", Permission::listen, [&](Call& c) { return list_tracks(ctx, c); });
  router.add("GET", "/api/v1/tracks/{id}", Permission::listen, [&](Call& c) { return get_track(ctx, c); });
  router.add("DELETE", "/api/v1/tracks/{id}", Permission::upload,
             [&](Call& c) { return delete_track(ctx, c); });
  router.add("GET", "/api/v1/albums", Permission::listen, [&](Call& c) { return list_albums(ctx, c); });
  router.add("GET", "/api/v1/albums/{id}", Permission::listen, [&](Call& c) { return get_album(ctx, c); });
  router.add("GET", "/api/v1/artists", Permission::listen, [&](Call& c) { return list_artists(ctx, c); });
  router.add("GET", "/api/v1/artists/{id}", Permission::listen, [&](Call& c) { return get_artist(ctx, c); });
  router.add("GET", "/api/v1/search", Permission::listen, [&](Call& c) { return search(ctx, c); });
}

}  // namespace dispotify::api
