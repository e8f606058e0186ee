// Playlists: getPlaylists, getPlaylist, createPlaylist (new, or replacing
// the songs of playlistId), updatePlaylist, deletePlaylist. Each user sees
// and edits only their own (as in the REST API); other users' playlists
// are reported as not found. Comments and public are not kept.
#include <algorithm>

#include "api/origin.h"
#include "api/subsonic/service.h"
#include "base/clock.h"
#include "base/random.h"

namespace dispotify::api::subsonic {
namespace {

constexpr size_t kPlaylistNameBytesMax = 200;
constexpr size_t kIdsPerCallMax = 1000;

boost::json::object playlist_of(const catalog::Playlist& p, const std::string& owner) {
  return {{"id", p.id},
          {"name", p.name},
          {"comment", ""},
          {"owner", owner},
          {"public", false},
          {"songCount", p.track_count},
          {"duration", (p.duration_ms + 500) / 1000},
          {"created", iso_time(p.created_at_ms)},
          {"changed", iso_time(p.updated_at_ms)}};
}

Result<catalog::PlaylistDetail> owned(const Call& call, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, call.ctx.catalog.playlist(id));
  if (!detail || detail->playlist.owner_id != call.user.id) {
    return make_error(Errc::not_found, "playlist not found: " + id);
  }
  return std::move(*detail);
}

Result<Answer> playlist_answer(const Call& call, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, owned(call, id));
  boost::json::object out = playlist_of(detail.playlist, call.user.username);
  for (const catalog::Track& t : detail.tracks) {
    if (!t.cover_hash.empty()) {
      out["coverArt"] = t.id;
      break;
    }
  }
  DISPOTIFY_ASSIGN_OR_RETURN(out["entry"], call.views.songs(detail.tracks));
  return Answer(payload("playlist", std::move(out)));
}

Status check_tracks(const Call& call, const std::vector<std::string>& ids) {
  if (ids.size() > kIdsPerCallMax) return make_error(Errc::invalid_argument, "at most 1000 songs per call");
  for (const std::string& id : ids) DISPOTIFY_TRY(find_track(call, id));
  return ok_status();
}

Status check_name(const std::string& name) {
  if (name.empty() || name.size() > kPlaylistNameBytesMax) {
    return make_error(Errc::invalid_argument, "name must be 1 to 200 bytes");
  }
  return ok_status();
}

Result<Answer> get_playlists(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto playlists, call.ctx.catalog.playlists_of(call.user.id));
  boost::json::array out;
  for (const catalog::Playlist& p : playlists) out.push_back(playlist_of(p, call.user.username));
  return Answer(payload("playlists", boost::json::object{{"playlist", std::move(out)}}));
}

Result<Answer> get_playlist(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  return playlist_answer(call, id);
}

// Replaces every entry of an existing playlist by `ids`.
Status replace_entries(Call& call, const catalog::PlaylistDetail& detail,
                       const std::vector<std::string>& ids) {
  const int64_t now = now_unix_ms();
  if (!detail.tracks.empty()) {
    std::vector<int64_t> all(detail.tracks.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
    DISPOTIFY_TRY(call.ctx.proposer.propose(
        catalog::RemovePlaylistTracks{detail.playlist.id, call.user.id, std::move(all), now}));
  }
  if (ids.empty()) return ok_status();
  return call.ctx.proposer.propose(
      catalog::AddPlaylistTracks{detail.playlist.id, call.user.id, ids, -1, now});
}

Result<Answer> create_playlist(Call& call) {
  const std::vector<std::string> ids = call.params.all("songId");
  DISPOTIFY_TRY(check_tracks(call, ids));
  const std::string name(call.params.get("name").value_or(""));
  if (auto existing = call.params.get("playlistId"); existing && !existing->empty()) {
    DISPOTIFY_ASSIGN_OR_RETURN(auto detail, owned(call, std::string(*existing)));
    if (!name.empty()) {
      DISPOTIFY_TRY(check_name(name));
      DISPOTIFY_TRY(call.ctx.proposer.propose(
          catalog::RenamePlaylist{detail.playlist.id, call.user.id, name, now_unix_ms()}));
    }
    DISPOTIFY_TRY(replace_entries(call, detail, ids));
    return playlist_answer(call, detail.playlist.id);
  }
  if (name.empty()) return missing_parameter("name");
  DISPOTIFY_TRY(check_name(name));
  catalog::Playlist p;
  p.id = random_id();
  p.owner_id = call.user.id;
  p.name = name;
  p.created_at_ms = p.updated_at_ms = now_unix_ms();
  DISPOTIFY_TRY(call.ctx.proposer.propose(catalog::CreatePlaylist{p}));
  if (!ids.empty()) {
    DISPOTIFY_TRY(
        call.ctx.proposer.propose(catalog::AddPlaylistTracks{p.id, call.user.id, ids, -1, p.created_at_ms}));
  }
  return playlist_answer(call, p.id);
}

Result<Answer> update_playlist(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("playlistId"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, owned(call, id));
  const std::vector<std::string> added = call.params.all("songIdToAdd");
  DISPOTIFY_TRY(check_tracks(call, added));
  std::vector<int64_t> removed;
  for (const std::string& index : call.params.all("songIndexToRemove")) {
    DISPOTIFY_ASSIGN_OR_RETURN(
        int64_t position,
        Params({{"songIndexToRemove", index}})
            .required_integer("songIndexToRemove", 0, static_cast<int64_t>(detail.tracks.size()) - 1));
    if (std::find(removed.begin(), removed.end(), position) == removed.end()) removed.push_back(position);
  }
  const int64_t now = now_unix_ms();
  if (auto name = call.params.get("name"); name && !name->empty()) {
    DISPOTIFY_TRY(check_name(std::string(*name)));
    DISPOTIFY_TRY(
        call.ctx.proposer.propose(catalog::RenamePlaylist{id, call.user.id, std::string(*name), now}));
  }
  // Indexes refer to the list as the client saw it: remove first, then append.
  if (!removed.empty()) {
    DISPOTIFY_TRY(call.ctx.proposer.propose(catalog::RemovePlaylistTracks{id, call.user.id, removed, now}));
  }
  if (!added.empty()) {
    DISPOTIFY_TRY(call.ctx.proposer.propose(catalog::AddPlaylistTracks{id, call.user.id, added, -1, now}));
  }
  return Answer(Payload{});
}

Result<Answer> delete_playlist(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_TRY(owned(call, id));
  DISPOTIFY_TRY(call.ctx.proposer.propose(
      catalog::DeletePlaylist{id, call.user.id, origin_of(call.http, call.user.id)}));
  return Answer(Payload{});
}

}  // namespace

void add_playlist_methods(MethodTable& table) {
  table["getPlaylists"] = {get_playlists};
  table["getPlaylist"] = {get_playlist};
  table["createPlaylist"] = {create_playlist};
  table["updatePlaylist"] = {update_playlist};
  table["deletePlaylist"] = {delete_playlist};
}

}  // namespace dispotify::api::subsonic
