// Playlists, each owned by one user: /api/v1/playlists and its tracks.
// Ownership is checked here for a clear 403/404 and again at apply, where it
// is authoritative.
#include "api/deferred_write.h"
#include "api/errors.h"
#include "api/json_input.h"
#include "api/json_views.h"
#include "api/origin.h"
#include "api/routes.h"
#include "base/clock.h"
#include "base/random.h"

namespace dispotify::api {
namespace {

constexpr size_t kPlaylistNameBytesMax = 200;
constexpr size_t kTracksPerCallMax = 1000;

Status validate_name(const std::string& name) {
  if (name.empty() || name.size() > kPlaylistNameBytesMax) {
    return make_error(Errc::invalid_argument, "name must be 1 to 200 bytes");
  }
  return {};
}

Result<std::vector<std::string>> track_ids_field(const boost::json::object& body) {
  std::vector<std::string> ids;
  const auto* v = body.if_contains("track_ids");
  if (v == nullptr || v->is_null()) return ids;
  if (!v->is_array())
    return make_error(Errc::invalid_argument, "field \"track_ids\" must be an array of strings");
  if (v->as_array().size() > kTracksPerCallMax) {
    return make_error(Errc::invalid_argument, "at most 1000 track_ids per call");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string())
      return make_error(Errc::invalid_argument, "field \"track_ids\" must be an array of strings");
    ids.emplace_back(item.as_string());
  }
  return ids;
}

// Another user's playlist is reported as absent: its existence is private.
Error no_such_playlist(const Call& call) {
  return make_error(Errc::not_found, "no playlist " + call.param(0));
}

// The playlist, if the caller may see and change it.
Result<catalog::PlaylistDetail> owned_playlist(ApiContext& ctx, const Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, ctx.catalog.playlist(call.param(0)));
  if (!detail || detail->playlist.owner_id != call.user->id) return no_such_playlist(call);
  return std::move(*detail);
}

// The same check without reading the playlist, before a change that does
// not need it.
Status check_owned_playlist(ApiContext& ctx, const Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<std::string> owner, ctx.catalog.playlist_owner(call.param(0)));
  if (!owner || *owner != call.user->id) return no_such_playlist(call);
  return ok_status();
}

net::Response playlist_reply(ApiContext& ctx, const Call& call, int status) {
  API_ASSIGN_OR_RESPOND(auto detail, owned_playlist(ctx, call));
  boost::json::object out = playlist_json(detail.playlist);
  out["tracks"] = json_array(detail.tracks, track_json);
  return json_reply(status, out);
}

// The playlist as it is once `command` is applied (on an I/O thread when
// this node leads: api/deferred_write.h). `call` is copied: the reply
// outlives the handler's frame.
net::Response change_then_reply(ApiContext& ctx, const Call& call, const catalog::Command& command) {
  return propose_then(ctx.proposer, command, [&ctx, call] { return playlist_reply(ctx, call, 200); });
}

net::Response create_playlist(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"name", "track_ids"}));
  API_ASSIGN_OR_RESPOND(auto name, required_string(body, "name"));
  API_TRY(validate_name(name));
  API_ASSIGN_OR_RESPOND(auto track_ids, track_ids_field(body));
  // Refuse unknown tracks before anything is created: a failed call leaves no
  // empty playlist behind. (A track deleted in between makes the second
  // command fail; the playlist then exists, empty, which the answer says.)
  for (const auto& id : track_ids) {
    API_ASSIGN_OR_RESPOND(auto track, ctx.catalog.track(id));
    if (!track) return error_response(Errc::not_found, "no track " + id);
  }
  catalog::Playlist p;
  p.id = random_id();
  p.owner_id = call.user->id;
  p.name = name;
  p.created_at_ms = p.updated_at_ms = now_unix_ms();
  API_TRY(ctx.proposer.propose(catalog::CreatePlaylist{p}));
  if (!track_ids.empty()) {
    API_TRY(ctx.proposer.propose(
        catalog::AddPlaylistTracks{p.id, call.user->id, track_ids, -1, p.created_at_ms}));
  }
  call.params = {p.id};
  return playlist_reply(ctx, call, 201);
}

net::Response rename_playlist(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"name"}));
  API_ASSIGN_OR_RESPOND(auto name, required_string(body, "name"));
  API_TRY(validate_name(name));
  API_TRY(check_owned_playlist(ctx, call));
  return change_then_reply(ctx, call,
                           catalog::RenamePlaylist{call.param(0), call.user->id, name, now_unix_ms()});
}

net::Response delete_playlist(ApiContext& ctx, Call& call) {
  API_TRY(check_owned_playlist(ctx, call));
  return propose_then(
      ctx.proposer,
      catalog::DeletePlaylist{call.param(0), call.user->id, origin_of(call.request, call.user->id)}, [] {
        return json_reply(200, {{"ok", true}});
      });
}

net::Response add_tracks(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"track_ids", "position"}));
  API_ASSIGN_OR_RESPOND(auto track_ids, track_ids_field(body));
  if (track_ids.empty())
    return error_response(Errc::invalid_argument, "field \"track_ids\" must not be empty");
  API_ASSIGN_OR_RESPOND(auto position, optional_int(body, "position"));
  API_TRY(check_owned_playlist(ctx, call));
  return change_then_reply(ctx, call,
                           catalog::AddPlaylistTracks{call.param(0), call.user->id, std::move(track_ids),
                                                      position.value_or(-1), now_unix_ms()});
}

net::Response remove_track(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto detail, owned_playlist(ctx, call));
  char* end = nullptr;
  const long long position = std::strtoll(call.param(1).c_str(), &end, 10);
  if (end == nullptr || *end != '\0' || position < 0 ||
      position >= static_cast<long long>(detail.tracks.size())) {
    return error_response(Errc::invalid_argument, "position must be an index into the playlist");
  }
  return change_then_reply(
      ctx, call, catalog::RemovePlaylistTracks{call.param(0), call.user->id, {position}, now_unix_ms()});
}

net::Response move_track(ApiContext& ctx, Call& call) {
  API_ASSIGN_OR_RESPOND(auto body, read_json_object(call.request, {"from", "to"}));
  API_ASSIGN_OR_RESPOND(auto from, optional_int(body, "from"));
  API_ASSIGN_OR_RESPOND(auto to, optional_int(body, "to"));
  if (!from || !to) return error_response(Errc::invalid_argument, "fields \"from\" and \"to\" are required");
  API_TRY(check_owned_playlist(ctx, call));
  return change_then_reply(
      ctx, call, catalog::MovePlaylistTrack{call.param(0), call.user->id, *from, *to, now_unix_ms()});
}

}  // namespace

void add_playlist_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/playlists", Permission::listen, [&](Call& c) {
    API_ASSIGN_OR_RESPOND(auto playlists, ctx.catalog.playlists_of(c.user->id));
    return json_reply(200, {{"items", json_array(playlists, playlist_json)}});
  });
  router.add("POST", "/api/v1/playlists", Permission::listen,
             [&](Call& c) { return create_playlist(ctx, c); });
  router.add("GET", "/api/v1/playlists/{id}", Permission::listen,
             [&](Call& c) { return playlist_reply(ctx, c, 200); });
  router.add("PATCH", "/api/v1/playlists/{id}", Permission::listen,
             [&](Call& c) { return rename_playlist(ctx, c); });
  router.add("DELETE", "/api/v1/playlists/{id}", Permission::listen,
             [&](Call& c) { return delete_playlist(ctx, c); });
  router.add("POST", "/api/v1/playlists/{id}/tracks", Permission::listen,
             [&](Call& c) { return add_tracks(ctx, c); });
  router.add("DELETE", "/api/v1/playlists/{id}/tracks/{position}", Permission::listen,
             [&](Call& c) { return remove_track(ctx, c); });
  router.add("POST", "/api/v1/playlists/{id}/move", Permission::listen,
             [&](Call& c) { return move_track(ctx, c); });
  // One command each, answered through propose_then: on the leader they
  // run on the I/O thread (one ownership read, the proposal, one read).
  router.run_inline("PATCH", "/api/v1/playlists/{id}");
  router.run_inline("DELETE", "/api/v1/playlists/{id}");
  router.run_inline("POST", "/api/v1/playlists/{id}/tracks");
  router.run_inline("DELETE", "/api/v1/playlists/{id}/tracks/{position}");
  router.run_inline("POST", "/api/v1/playlists/{id}/move");
}

}  // namespace dispotify::api
