#include "api/subsonic/views.h"

#include "base/clock.h"
#include "catalog/ids.h"

namespace dispotify::api::subsonic {
namespace {

int seconds(int64_t ms) { return static_cast<int>((ms + 500) / 1000); }

boost::json::object named(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}

void add_marks(boost::json::object& out, const catalog::Annotation& marks) {
  if (marks.starred_at_ms > 0) out["starred"] = iso_time(marks.starred_at_ms);
  if (marks.played_at_ms > 0) out["played"] = iso_time(marks.played_at_ms);
  out["userRating"] = marks.rating;
  out["playCount"] = marks.play_count;
}

template <class T, class Render>
Result<boost::json::array> render_all(ApiContext& ctx, const std::string& user_id, std::string_view kind,
                                      const std::vector<T>& items, Render render) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const T& item : items) ids.push_back(item.id);
  DISPOTIFY_ASSIGN_OR_RETURN(auto marks, catalog::annotations(ctx.catalog, user_id, kind, ids));
  boost::json::array out;
  out.reserve(items.size());
  for (const T& item : items) {
    auto found = marks.find(item.id);
    out.emplace_back(render(item, found == marks.end() ? catalog::Annotation{} : found->second));
  }
  return out;
}

std::string content_suffix(const std::string& codec) {
  if (codec == "vorbis") return "ogg";
  if (codec == "aac" || codec == "alac") return "m4a";
  if (codec == "pcm") return "wav";
  return codec.empty() ? "bin" : codec;
}

}  // namespace

std::string iso_time(int64_t unix_ms) { return format_rfc3339_ms(unix_ms); }

std::string suffix_of(const catalog::Track& track) {
  const size_t dot = track.filename.rfind('.');
  if (dot != std::string::npos && dot + 1 < track.filename.size() && track.filename.size() - dot <= 6) {
    std::string ext = track.filename.substr(dot + 1);
    for (char& c : ext) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return ext;
  }
  return content_suffix(track.codec);
}

boost::json::object Views::song_of(const catalog::Track& t, const catalog::Annotation& marks) {
  boost::json::object out{{"id", t.id},
                          {"parent", t.album_id},
                          {"isDir", false},
                          {"title", t.title},
                          {"album", t.album},
                          {"artist", t.artist},
                          {"track", t.track_number},
                          {"year", t.year},
                          {"genre", t.genre},
                          {"size", t.size_bytes},
                          {"contentType", t.content_type},
                          {"suffix", suffix_of(t)},
                          {"duration", seconds(t.duration_ms)},
                          {"bitRate", t.bitrate_kbps},
                          {"samplingRate", t.sample_rate},
                          {"channelCount", t.channels},
                          {"bitDepth", 0},
                          {"path", t.album_artist + "/" + t.album + "/" + t.filename},
                          {"discNumber", t.disc_number},
                          {"created", iso_time(t.created_at_ms)},
                          {"albumId", t.album_id},
                          {"artistId", t.artist_id},
                          {"type", "music"},
                          {"mediaType", "song"},
                          {"isVideo", false},
                          {"sortName", ""},
                          {"musicBrainzId", t.musicbrainz_track_id},
                          {"displayArtist", t.artist},
                          {"displayAlbumArtist", t.album_artist}};
  if (!t.cover_hash.empty()) out["coverArt"] = t.id;
  if (t.genre.empty()) out.erase("genre");
  add_marks(out, marks);
  boost::json::array genres;
  if (!t.genre.empty()) genres.push_back(boost::json::object{{"name", t.genre}});
  out["genres"] = std::move(genres);
  boost::json::array artists;
  for (const std::string& name : t.artists) artists.push_back(named(catalog::artist_id_for(name), name));
  out["artists"] = std::move(artists);
  out["albumArtists"] = boost::json::array{named(catalog::artist_id_for(t.album_artist), t.album_artist)};
  boost::json::object gain;
  if (t.replaygain_track_gain_db) gain["trackGain"] = *t.replaygain_track_gain_db;
  if (t.replaygain_track_peak) gain["trackPeak"] = *t.replaygain_track_peak;
  if (t.replaygain_album_gain_db) gain["albumGain"] = *t.replaygain_album_gain_db;
  if (t.replaygain_album_peak) gain["albumPeak"] = *t.replaygain_album_peak;
  out["replayGain"] = std::move(gain);
  return out;
}

boost::json::object Views::album_of(const catalog::Album& a, const catalog::Annotation& marks) {
  boost::json::object out{{"id", a.id},
                          {"name", a.title},
                          {"title", a.title},
                          {"album", a.title},
                          {"artist", a.album_artist},
                          {"artistId", a.artist_id},
                          {"parent", a.artist_id},
                          {"isDir", true},
                          {"songCount", a.track_count},
                          {"duration", seconds(a.duration_ms)},
                          {"created", iso_time(a.created_at_ms)},
                          {"year", a.year},
                          {"genre", a.genre},
                          {"isCompilation", a.compilation},
                          {"sortName", ""},
                          {"musicBrainzId", ""},
                          {"displayArtist", a.album_artist}};
  if (!a.cover_hash.empty()) out["coverArt"] = a.id;
  if (a.genre.empty()) out.erase("genre");
  add_marks(out, marks);
  boost::json::array genres;
  if (!a.genre.empty()) genres.push_back(boost::json::object{{"name", a.genre}});
  out["genres"] = std::move(genres);
  out["artists"] = boost::json::array{named(a.artist_id, a.album_artist)};
  return out;
}

boost::json::object Views::artist_of(const catalog::Artist& r, const catalog::Annotation& marks) {
  boost::json::object out{
      {"id", r.id},          {"name", r.name}, {"albumCount", r.album_count}, {"coverArt", r.id},
      {"musicBrainzId", ""}, {"sortName", ""}, {"userRating", marks.rating}};
  if (marks.starred_at_ms > 0) out["starred"] = iso_time(marks.starred_at_ms);
  return out;
}

Result<boost::json::array> Views::songs(const std::vector<catalog::Track>& tracks) const {
  return render_all(ctx_, user_id_, "track", tracks, song_of);
}

Result<boost::json::array> Views::albums(const std::vector<catalog::Album>& albums) const {
  return render_all(ctx_, user_id_, "album", albums, album_of);
}

Result<boost::json::array> Views::artists(const std::vector<catalog::Artist>& artists) const {
  return render_all(ctx_, user_id_, "artist", artists, artist_of);
}

Result<boost::json::object> Views::song(const catalog::Track& track) const {
  DISPOTIFY_ASSIGN_OR_RETURN(auto one, songs({track}));
  return one.at(0).as_object();
}

Result<boost::json::object> Views::album(const catalog::Album& album) const {
  DISPOTIFY_ASSIGN_OR_RETURN(auto one, albums({album}));
  return one.at(0).as_object();
}

Result<boost::json::object> Views::artist(const catalog::Artist& artist) const {
  DISPOTIFY_ASSIGN_OR_RETURN(auto one, artists({artist}));
  return one.at(0).as_object();
}

}  // namespace dispotify::api::subsonic
