#include "api/json_views.h"

#include "base/clock.h"

namespace dispotify::api {
namespace {

boost::json::value optional_number(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

boost::json::value string_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s);
}

boost::json::value time_or_null(int64_t ms) {
  if (ms == 0) return nullptr;
  return boost::json::string(format_rfc3339_ms(ms));
}

}  // namespace

boost::json::object track_json(const catalog::Track& t) {
  boost::json::array artists;
  for (const auto& a : t.artists) artists.emplace_back(a);
  return {
      {"id", t.id},
      {"title", t.title},
      {"artist", t.artist},
      {"artists", std::move(artists)},
      {"album", t.album},
      {"album_artist", t.album_artist},
      {"album_id", t.album_id},
      {"artist_id", t.artist_id},
      {"compilation", t.compilation},
      {"track_number", t.track_number},
      {"track_total", t.track_total},
      {"disc_number", t.disc_number},
      {"disc_total", t.disc_total},
      {"year", t.year},
      {"genre", t.genre},
      {"duration_ms", t.duration_ms},
      {"bitrate_kbps", t.bitrate_kbps},
      {"sample_rate", t.sample_rate},
      {"channels", t.channels},
      {"codec", t.codec},
      {"content_type", t.content_type},
      {"size_bytes", t.size_bytes},
      {"content_hash", t.content_hash},
      {"has_cover", !t.cover_hash.empty()},
      {"replaygain",
       {{"track_gain_db", optional_number(t.replaygain_track_gain_db)},
        {"track_peak", optional_number(t.replaygain_track_peak)},
        {"album_gain_db", optional_number(t.replaygain_album_gain_db)},
        {"album_peak", optional_number(t.replaygain_album_peak)}}},
      {"has_lyrics", !t.lyrics.empty()},
      {"musicbrainz",
       {{"track_id", string_or_null(t.musicbrainz_track_id)},
        {"album_id", string_or_null(t.musicbrainz_album_id)},
        {"artist_id", string_or_null(t.musicbrainz_artist_id)}}},
      {"filename", t.filename},
      {"uploaded_by", t.uploaded_by},
      {"created_at", format_rfc3339_ms(t.created_at_ms)},
  };
}

boost::json::object album_json(const catalog::Album& a) {
  return {
      {"id", a.id},
      {"title", a.title},
      {"album_artist", a.album_artist},
      {"artist_id", a.artist_id},
      {"compilation", a.compilation},
      {"year", a.year},
      {"genre", a.genre},
      {"track_count", a.track_count},
      {"disc_count", a.disc_count},
      {"duration_ms", a.duration_ms},
      {"has_cover", !a.cover_hash.empty()},
      {"created_at", format_rfc3339_ms(a.created_at_ms)},
  };
}

boost::json::object artist_json(const catalog::Artist& a) {
  return {{"id", a.id}, {"name", a.name}, {"album_count", a.album_count}, {"track_count", a.track_count}};
}

boost::json::object user_json(const catalog::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"role", u.role},
          {"created_at", format_rfc3339_ms(u.created_at_ms)}};
}

boost::json::object token_json(const catalog::Token& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"kind", t.kind},
          {"created_at", format_rfc3339_ms(t.created_at_ms)},
          {"expires_at", time_or_null(t.expires_at_ms)}};
}

boost::json::object playlist_json(const catalog::Playlist& p) {
  return {{"id", p.id},
          {"owner_id", p.owner_id},
          {"name", p.name},
          {"track_count", p.track_count},
          {"duration_ms", p.duration_ms},
          {"created_at", format_rfc3339_ms(p.created_at_ms)},
          {"updated_at", format_rfc3339_ms(p.updated_at_ms)}};
}

}  // namespace dispotify::api

#include <boost/json/serialize.hpp>

#include "api/errors.h"

namespace dispotify::api {
net::Response json_reply(int status, const boost::json::value& value) {
  return json_response(status, boost::json::serialize(value));
}
}  // namespace dispotify::api
