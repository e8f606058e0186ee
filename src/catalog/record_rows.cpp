#include "catalog/record_rows.h"

#include <boost/json.hpp>

namespace dispotify::catalog {
namespace {

// artists_json is written only by insert_track(), so a bad value means the
// file was damaged behind SQLite's back: crash rather than serve it.
std::vector<std::string> parse_artists(const std::string& json) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  DISPOTIFY_CHECK_MSG(!ec && value.is_array(), json);
  std::vector<std::string> artists;
  for (const boost::json::value& item : value.get_array()) {
    DISPOTIFY_CHECK_MSG(item.is_string(), json);
    artists.emplace_back(item.get_string());
  }
  return artists;
}

std::string artists_to_json(const std::vector<std::string>& artists) {
  boost::json::array array;
  for (const std::string& a : artists) array.emplace_back(a);
  return boost::json::serialize(array);
}

}  // namespace

Track read_track(const Statement& row, int first) {
  int c = first;
  Track t;
  t.id = row.column_string(c++);
  t.title = row.column_string(c++);
  t.artists = parse_artists(row.column_string(c++));
  t.artist = row.column_string(c++);
  t.album = row.column_string(c++);
  t.album_artist = row.column_string(c++);
  t.album_id = row.column_string(c++);
  t.artist_id = row.column_string(c++);
  t.compilation = row.column_bool(c++);
  t.track_number = row.column_int(c++);
  t.track_total = row.column_int(c++);
  t.disc_number = row.column_int(c++);
  t.disc_total = row.column_int(c++);
  t.year = row.column_int(c++);
  t.genre = row.column_string(c++);
  t.duration_ms = row.column_int64(c++);
  t.bitrate_kbps = row.column_int(c++);
  t.sample_rate = row.column_int(c++);
  t.channels = row.column_int(c++);
  t.codec = row.column_string(c++);
  t.content_type = row.column_string(c++);
  t.size_bytes = static_cast<uint64_t>(row.column_int64(c++));
  t.content_hash = row.column_string(c++);
  t.cover_hash = row.column_string(c++);
  t.replaygain_track_gain_db = row.column_optional_double(c++);
  t.replaygain_track_peak = row.column_optional_double(c++);
  t.replaygain_album_gain_db = row.column_optional_double(c++);
  t.replaygain_album_peak = row.column_optional_double(c++);
  t.lyrics = row.column_string(c++);
  t.musicbrainz_track_id = row.column_string(c++);
  t.musicbrainz_album_id = row.column_string(c++);
  t.musicbrainz_artist_id = row.column_string(c++);
  t.filename = row.column_string(c++);
  t.uploaded_by = row.column_string(c++);
  t.created_at_ms = row.column_int64(c++);
  DISPOTIFY_CHECK(c - first == kTrackColumnCount);
  return t;
}

Status insert_track(Db& db, const Track& t) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT INTO tracks (id, title, artists_json, artist, album, album_artist, album_id, "
                        "artist_id, compilation, track_number, track_total, disc_number, disc_total, year, "
                        "genre, duration_ms, bitrate_kbps, sample_rate, channels, codec, content_type, "
                        "size_bytes, content_hash, cover_hash, replaygain_track_gain_db, "
                        "replaygain_track_peak, replaygain_album_gain_db, replaygain_album_peak, lyrics, "
                        "musicbrainz_track_id, musicbrainz_album_id, musicbrainz_artist_id, filename, "
                        "uploaded_by, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
                        "?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)"));
  int c = 1;
  auto bind = [&](const auto& value) { stmt.bind(c++, value); };
  bind(t.id);
  bind(t.title);
  bind(artists_to_json(t.artists));
  bind(t.artist);
  bind(t.album);
  bind(t.album_artist);
  bind(t.album_id);
  bind(t.artist_id);
  bind(t.compilation);
  bind(t.track_number);
  bind(t.track_total);
  bind(t.disc_number);
  bind(t.disc_total);
  bind(t.year);
  bind(t.genre);
  bind(t.duration_ms);
  bind(t.bitrate_kbps);
  bind(t.sample_rate);
  bind(t.channels);
  bind(t.codec);
  bind(t.content_type);
  bind(static_cast<int64_t>(t.size_bytes));
  bind(t.content_hash);
  bind(t.cover_hash);
  bind(t.replaygain_track_gain_db);
  bind(t.replaygain_track_peak);
  bind(t.replaygain_album_gain_db);
  bind(t.replaygain_album_peak);
  bind(t.lyrics);
  bind(t.musicbrainz_track_id);
  bind(t.musicbrainz_album_id);
  bind(t.musicbrainz_artist_id);
  bind(t.filename);
  bind(t.uploaded_by);
  bind(t.created_at_ms);
  DISPOTIFY_CHECK(c - 1 == kTrackColumnCount);
  return stmt.run();
}

Album read_album(const Statement& row, int first) {
  int c = first;
  Album a;
  a.id = row.column_string(c++);
  a.title = row.column_string(c++);
  a.album_artist = row.column_string(c++);
  a.artist_id = row.column_string(c++);
  a.compilation = row.column_bool(c++);
  a.year = row.column_int(c++);
  a.genre = row.column_string(c++);
  a.track_count = row.column_int(c++);
  a.disc_count = row.column_int(c++);
  a.duration_ms = row.column_int64(c++);
  a.cover_hash = row.column_string(c++);
  a.created_at_ms = row.column_int64(c++);
  return a;
}

Artist read_artist(const Statement& row, int first) {
  return Artist{.id = row.column_string(first),
                .name = row.column_string(first + 1),
                .album_count = row.column_int(first + 2),
                .track_count = row.column_int(first + 3)};
}

User read_user(const Statement& row, int first) {
  return User{.id = row.column_string(first),
              .username = row.column_string(first + 1),
              .password_hash = row.column_string(first + 2),
              .role = row.column_string(first + 3),
              .created_at_ms = row.column_int64(first + 4)};
}

Token read_token(const Statement& row, int first) {
  return Token{.id = row.column_string(first),
               .user_id = row.column_string(first + 1),
               .token_hash = row.column_string(first + 2),
               .name = row.column_string(first + 3),
               .kind = row.column_string(first + 4),
               .created_at_ms = row.column_int64(first + 5),
               .expires_at_ms = row.column_int64(first + 6)};
}

}  // namespace dispotify::catalog
