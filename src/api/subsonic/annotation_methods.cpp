// Writes: star, unstar, setRating, scrobble, savePlayQueue (and
// getPlayQueue). Each becomes one catalog command through the proposer,
// stamped here, so every node applies the same thing. Streaming alone
// never counts a play: only scrobble does.
#include <algorithm>

#include "api/subsonic/service.h"
#include "base/clock.h"

namespace dispotify::api::subsonic {
namespace {

constexpr size_t kIdsPerCallMax = 1000;

// What kind of record an id names ("track", "album", "artist"): clients
// that browse by folders star album and artist ids through id=.
Result<std::string> kind_of(const Call& call, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, call.ctx.catalog.track(id));
  if (track) return std::string("track");
  DISPOTIFY_ASSIGN_OR_RETURN(auto album, call.ctx.catalog.album(id));
  if (album) return std::string("album");
  DISPOTIFY_ASSIGN_OR_RETURN(auto artist, call.ctx.catalog.artist(id));
  if (artist) return std::string("artist");
  return make_error(Errc::not_found, "no song, album or artist " + id);
}

Result<Answer> set_starred(Call& call, bool starred) {
  catalog::SetStarred command{
      call.user.id, {}, call.params.all("albumId"), call.params.all("artistId"), starred, now_unix_ms()};
  for (const std::string& id : call.params.all("id")) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::string kind, kind_of(call, id));
    auto& list = kind == "track"   ? command.track_ids
                 : kind == "album" ? command.album_ids
                                   : command.artist_ids;
    list.push_back(id);
  }
  const size_t items = command.track_ids.size() + command.album_ids.size() + command.artist_ids.size();
  if (items == 0) return missing_parameter("id");
  if (items > kIdsPerCallMax) return make_error(Errc::invalid_argument, "at most 1000 ids per call");
  DISPOTIFY_TRY(call.ctx.proposer.propose(command));
  return Answer(Payload{});
}

Result<Answer> star(Call& call) { return set_starred(call, true); }
Result<Answer> unstar(Call& call) { return set_starred(call, false); }

Result<Answer> set_rating(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t rating, call.params.required_integer("rating", 0, 5));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string kind, kind_of(call, id));
  DISPOTIFY_TRY(call.ctx.proposer.propose(
      catalog::SetRating{call.user.id, kind, id, static_cast<int>(rating), now_unix_ms()}));
  return Answer(Payload{});
}

// submission=false is "now playing": acknowledged, not counted.
Result<Answer> scrobble(Call& call) {
  const std::vector<std::string> ids = call.params.all("id");
  const std::vector<std::string> times = call.params.all("time");
  if (ids.empty()) return missing_parameter("id");
  if (ids.size() > kIdsPerCallMax) return make_error(Errc::invalid_argument, "at most 1000 ids per call");
  if (!times.empty() && times.size() != ids.size()) {
    return make_error(Errc::invalid_argument, "give one time per id, or none");
  }
  for (const std::string& id : ids) DISPOTIFY_TRY(find_track(call, id));
  if (!call.params.flag("submission", true)) return Answer(Payload{});
  const int64_t now = now_unix_ms();
  catalog::RecordPlays command{call.user.id, ids, {}};
  for (size_t i = 0; i < ids.size(); ++i) {
    int64_t at = now;
    if (!times.empty()) {
      DISPOTIFY_ASSIGN_OR_RETURN(at, Params({{"time", times[i]}}).required_integer("time", 0, INT64_MAX / 2));
    }
    command.played_at_ms.push_back(at);
  }
  DISPOTIFY_TRY(call.ctx.proposer.propose(command));
  return Answer(Payload{});
}

Result<Answer> get_play_queue(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto queue, catalog::play_queue(call.ctx.catalog, call.user.id));
  if (!queue) return Answer(Payload{});
  boost::json::object out{{"position", queue->position_ms},
                          {"username", call.user.username},
                          {"changed", iso_time(queue->changed_at_ms)},
                          {"changedBy", queue->changed_by}};
  if (!queue->current_id.empty()) out["current"] = queue->current_id;
  DISPOTIFY_ASSIGN_OR_RETURN(out["entry"], call.views.songs(queue->tracks));
  return Answer(payload("playQueue", std::move(out)));
}

Result<Answer> save_play_queue(Call& call) {
  catalog::SavePlayQueue command;
  command.user_id = call.user.id;
  command.track_ids = call.params.all("id");
  command.current_id = std::string(call.params.get("current").value_or(""));
  DISPOTIFY_ASSIGN_OR_RETURN(command.position_ms, call.params.integer("position", 0, 0, INT64_MAX / 2));
  command.changed_by = std::string(call.params.get("c").value_or("")).substr(0, 256);
  command.at_ms = now_unix_ms();
  if (!command.current_id.empty() && std::find(command.track_ids.begin(), command.track_ids.end(),
                                               command.current_id) == command.track_ids.end()) {
    return make_error(Errc::invalid_argument, "current must be one of the ids");
  }
  for (const std::string& id : command.track_ids) DISPOTIFY_TRY(find_track(call, id));
  DISPOTIFY_TRY(call.ctx.proposer.propose(command));
  return Answer(Payload{});
}

}  // namespace

void add_annotation_methods(MethodTable& table) {
  table["star"] = {star};
  table["unstar"] = {unstar};
  table["setRating"] = {set_rating};
  table["scrobble"] = {scrobble};
  table["getPlayQueue"] = {get_play_queue};
  table["savePlayQueue"] = {save_play_queue};
}

}  // namespace dispotify::api::subsonic
