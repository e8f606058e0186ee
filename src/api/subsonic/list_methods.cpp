// Lists: getAlbumList2 / getAlbumList, getRandomSongs, getSongsByGenre,
// search3 / search2 (an empty query lists everything, paged, for offline
// sync), getStarred2 / getStarred.
#include "api/subsonic/service.h"

namespace dispotify::api::subsonic {
namespace {

constexpr int64_t kListMax = catalog::kListLimitMax;

Result<catalog::AlbumListType> list_type(std::string_view type) {
  using T = catalog::AlbumListType;
  static const std::pair<std::string_view, T> kTypes[] = {
      {"random", T::random},
      {"newest", T::newest},
      {"frequent", T::frequent},
      {"recent", T::recent},
      {"alphabeticalByName", T::alphabetical_by_name},
      {"alphabeticalByArtist", T::alphabetical_by_artist},
      {"starred", T::starred},
      {"byYear", T::by_year},
      {"byGenre", T::by_genre},
      {"highest", T::frequent},  // no ratings ranking yet: the most played
  };
  for (const auto& [name, value] : kTypes) {
    if (name == type) return value;
  }
  return make_error(Errc::invalid_argument, "unknown album list type '" + std::string(type) + "'");
}

Result<std::vector<catalog::Album>> albums_listed(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string type, call.params.required("type"));
  catalog::AlbumListQuery2 query;
  DISPOTIFY_ASSIGN_OR_RETURN(query.type, list_type(type));
  query.user_id = call.user.id;
  DISPOTIFY_ASSIGN_OR_RETURN(query.limit, call.params.integer("size", 10, 1, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(query.offset, call.params.integer("offset", 0, 0, INT32_MAX));
  if (query.type == catalog::AlbumListType::by_year) {
    DISPOTIFY_ASSIGN_OR_RETURN(int64_t from, call.params.required_integer("fromYear", 0, 9999));
    DISPOTIFY_ASSIGN_OR_RETURN(int64_t to, call.params.required_integer("toYear", 0, 9999));
    query.from_year = static_cast<int>(from);
    query.to_year = static_cast<int>(to);
  }
  if (query.type == catalog::AlbumListType::by_genre) {
    DISPOTIFY_ASSIGN_OR_RETURN(query.genre, call.params.required("genre"));
  }
  return catalog::album_list(call.ctx.catalog, query);
}

Result<Answer> get_album_list2(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto albums, albums_listed(call));
  DISPOTIFY_ASSIGN_OR_RETURN(auto rendered, call.views.albums(albums));
  return Answer(payload("albumList2", boost::json::object{{"album", std::move(rendered)}}));
}

Result<Answer> get_album_list(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto albums, albums_listed(call));
  DISPOTIFY_ASSIGN_OR_RETURN(auto rendered, call.views.albums(albums));
  return Answer(payload("albumList", boost::json::object{{"album", std::move(rendered)}}));
}

Result<Answer> get_random_songs(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t size, call.params.integer("size", 10, 0, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t from, call.params.integer("fromYear", 0, 0, 9999));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t to, call.params.integer("toYear", 0, 0, 9999));
  const std::string genre(call.params.get("genre").value_or(""));
  DISPOTIFY_ASSIGN_OR_RETURN(
      auto tracks,
      catalog::random_tracks(call.ctx.catalog, size, genre, static_cast<int>(from), static_cast<int>(to)));
  DISPOTIFY_ASSIGN_OR_RETURN(auto rendered, call.views.songs(tracks));
  return Answer(payload("randomSongs", boost::json::object{{"song", std::move(rendered)}}));
}

Result<Answer> get_songs_by_genre(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string genre, call.params.required("genre"));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t count, call.params.integer("count", 10, 0, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t offset, call.params.integer("offset", 0, 0, INT32_MAX));
  DISPOTIFY_ASSIGN_OR_RETURN(auto tracks, catalog::tracks_by_genre(call.ctx.catalog, genre, offset, count));
  DISPOTIFY_ASSIGN_OR_RETURN(auto rendered, call.views.songs(tracks));
  return Answer(payload("songsByGenre", boost::json::object{{"song", std::move(rendered)}}));
}

Result<boost::json::object> search_result(Call& call) {
  // query is required by the specification, but an empty one means
  // "everything", and some clients leave it out for that.
  const std::string query(call.params.get("query").value_or(""));
  catalog::SearchPage page;
  DISPOTIFY_ASSIGN_OR_RETURN(page.artist_count, call.params.integer("artistCount", 20, 0, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(page.artist_offset, call.params.integer("artistOffset", 0, 0, INT32_MAX));
  DISPOTIFY_ASSIGN_OR_RETURN(page.album_count, call.params.integer("albumCount", 20, 0, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(page.album_offset, call.params.integer("albumOffset", 0, 0, INT32_MAX));
  DISPOTIFY_ASSIGN_OR_RETURN(page.track_count, call.params.integer("songCount", 20, 0, kListMax));
  DISPOTIFY_ASSIGN_OR_RETURN(page.track_offset, call.params.integer("songOffset", 0, 0, INT32_MAX));
  DISPOTIFY_ASSIGN_OR_RETURN(auto found, catalog::search_paged(call.ctx.catalog, query, page));
  boost::json::object out;
  DISPOTIFY_ASSIGN_OR_RETURN(out["artist"], call.views.artists(found.artists));
  DISPOTIFY_ASSIGN_OR_RETURN(out["album"], call.views.albums(found.albums));
  DISPOTIFY_ASSIGN_OR_RETURN(out["song"], call.views.songs(found.tracks));
  return out;
}

Result<Answer> search3(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto result, search_result(call));
  return Answer(payload("searchResult3", std::move(result)));
}

Result<Answer> search2(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto result, search_result(call));
  return Answer(payload("searchResult2", std::move(result)));
}

Result<boost::json::object> starred_result(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto stars, catalog::starred(call.ctx.catalog, call.user.id));
  boost::json::object out;
  DISPOTIFY_ASSIGN_OR_RETURN(out["artist"], call.views.artists(stars.artists));
  DISPOTIFY_ASSIGN_OR_RETURN(out["album"], call.views.albums(stars.albums));
  DISPOTIFY_ASSIGN_OR_RETURN(out["song"], call.views.songs(stars.tracks));
  return out;
}

Result<Answer> get_starred2(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto result, starred_result(call));
  return Answer(payload("starred2", std::move(result)));
}

Result<Answer> get_starred(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto result, starred_result(call));
  return Answer(payload("starred", std::move(result)));
}

}  // namespace

void add_list_methods(MethodTable& table) {
  table["getAlbumList2"] = {get_album_list2};
  table["getAlbumList"] = {get_album_list};
  table["getRandomSongs"] = {get_random_songs};
  table["getSongsByGenre"] = {get_songs_by_genre};
  table["search3"] = {search3};
  table["search2"] = {search2};
  table["getStarred2"] = {get_starred2};
  table["getStarred"] = {get_starred};
}

}  // namespace dispotify::api::subsonic
