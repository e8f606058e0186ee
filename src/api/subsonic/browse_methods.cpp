// Browsing by tags (getArtists, getArtist, getAlbum, getSong, getGenres,
// getArtistInfo2) and by folders (getIndexes, getMusicDirectory), where an
// artist is a folder of albums and an album a folder of songs.
#include <map>

#include "api/subsonic/service.h"

namespace dispotify::api::subsonic {
namespace {

// The index letter of a name: its first character, upper-cased when it is
// an ASCII letter, a whole UTF-8 sequence otherwise; "#" for digits and
// punctuation.
std::string index_of(const std::string& name) {
  if (name.empty()) return "#";
  const auto first = static_cast<unsigned char>(name[0]);
  if (first < 0x80) {
    if (first >= 'a' && first <= 'z') return std::string(1, static_cast<char>(first - 'a' + 'A'));
    if (first >= 'A' && first <= 'Z') return std::string(1, static_cast<char>(first));
    return "#";
  }
  size_t length = 1;
  while (length < name.size() && length < 4 && (static_cast<unsigned char>(name[length]) & 0xC0) == 0x80)
    ++length;
  return name.substr(0, length);
}

// Album artists grouped by index letter, in name order within each.
Result<boost::json::array> artist_index(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto artists, catalog::album_artists(call.ctx.catalog));
  DISPOTIFY_ASSIGN_OR_RETURN(auto rendered, call.views.artists(artists));
  std::map<std::string, boost::json::array> groups;
  for (size_t i = 0; i < artists.size(); ++i) groups[index_of(artists[i].name)].push_back(rendered[i]);
  boost::json::array out;
  for (auto& [letter, members] : groups) {
    out.push_back(boost::json::object{{"name", letter}, {"artist", std::move(members)}});
  }
  return out;
}

Result<Answer> get_artists(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto index, artist_index(call));
  return Answer(
      payload("artists", boost::json::object{{"ignoredArticles", ""}, {"index", std::move(index)}}));
}

Result<Answer> get_indexes(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto index, artist_index(call));
  return Answer(payload(
      "indexes",
      boost::json::object{{"lastModified", 0}, {"ignoredArticles", ""}, {"index", std::move(index)}}));
}

Result<Answer> get_artist(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, call.ctx.catalog.artist(id));
  if (!detail) return make_error(Errc::not_found, "artist not found: " + id);
  DISPOTIFY_ASSIGN_OR_RETURN(boost::json::object out, call.views.artist(detail->artist));
  DISPOTIFY_ASSIGN_OR_RETURN(out["album"], call.views.albums(detail->albums));
  return Answer(payload("artist", std::move(out)));
}

// No biography or images yet: the fields are there, empty.
Result<Answer> artist_info(Call& call, std::string_view key) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, call.ctx.catalog.artist(id));
  if (!detail) return make_error(Errc::not_found, "artist not found: " + id);
  return Answer(
      payload(key, boost::json::object{
                       {"biography", ""}, {"musicBrainzId", ""}, {"similarArtist", boost::json::array{}}}));
}

Result<Answer> get_artist_info(Call& call) { return artist_info(call, "artistInfo"); }
Result<Answer> get_artist_info2(Call& call) { return artist_info(call, "artistInfo2"); }

Result<Answer> get_album_info(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, call.ctx.catalog.album(id));
  if (!detail) return make_error(Errc::not_found, "album not found: " + id);
  return Answer(payload("albumInfo", boost::json::object{{"notes", ""}, {"musicBrainzId", ""}}));
}

Result<Answer> get_album(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto detail, call.ctx.catalog.album(id));
  if (!detail) return make_error(Errc::not_found, "album not found: " + id);
  DISPOTIFY_ASSIGN_OR_RETURN(boost::json::object out, call.views.album(detail->album));
  DISPOTIFY_ASSIGN_OR_RETURN(out["song"], call.views.songs(detail->tracks));
  return Answer(payload("album", std::move(out)));
}

Result<Answer> get_song(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, find_track(call, id));
  DISPOTIFY_ASSIGN_OR_RETURN(auto song, call.views.song(track));
  return Answer(payload("song", std::move(song)));
}

Result<Answer> get_music_directory(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto artist, call.ctx.catalog.artist(id));
  if (artist) {
    DISPOTIFY_ASSIGN_OR_RETURN(boost::json::object marks, call.views.artist(artist->artist));
    boost::json::object out{{"id", id}, {"name", artist->artist.name}};
    if (auto* starred = marks.if_contains("starred")) out["starred"] = *starred;
    DISPOTIFY_ASSIGN_OR_RETURN(out["child"], call.views.albums(artist->albums));
    return Answer(payload("directory", std::move(out)));
  }
  DISPOTIFY_ASSIGN_OR_RETURN(auto album, call.ctx.catalog.album(id));
  if (!album) return make_error(Errc::not_found, "directory not found: " + id);
  DISPOTIFY_ASSIGN_OR_RETURN(boost::json::object marks, call.views.album(album->album));
  boost::json::object out{{"id", id}, {"parent", album->album.artist_id}, {"name", album->album.title}};
  if (auto* starred = marks.if_contains("starred")) out["starred"] = *starred;
  out["playCount"] = marks.at("playCount");
  DISPOTIFY_ASSIGN_OR_RETURN(out["child"], call.views.songs(album->tracks));
  return Answer(payload("directory", std::move(out)));
}

Result<Answer> get_genres(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto all, catalog::genres(call.ctx.catalog));
  boost::json::array out;
  for (const catalog::Genre& g : all) {
    out.push_back(
        boost::json::object{{"songCount", g.track_count}, {"albumCount", g.album_count}, {"value", g.name}});
  }
  return Answer(payload("genres", boost::json::object{{"genre", std::move(out)}}));
}

}  // namespace

void add_browse_methods(MethodTable& table) {
  table["getArtists"] = {get_artists};
  table["getIndexes"] = {get_indexes};
  table["getArtist"] = {get_artist};
  table["getArtistInfo"] = {get_artist_info};
  table["getArtistInfo2"] = {get_artist_info2};
  table["getAlbumInfo"] = {get_album_info};
  table["getAlbumInfo2"] = {get_album_info};
  table["getAlbum"] = {get_album};
  table["getSong"] = {get_song};
  table["getMusicDirectory"] = {get_music_directory};
  table["getGenres"] = {get_genres};
}

}  // namespace dispotify::api::subsonic
