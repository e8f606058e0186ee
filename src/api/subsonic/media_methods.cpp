// Bytes and lyrics: stream (raw, or transcoded when the client asks for
// another format or a lower bit rate), download (always raw), getCoverArt
// (with size), getLyrics and getLyricsBySongId (the songLyrics extension).
#include <algorithm>

#include "api/serving.h"
#include "api/subsonic/lyrics.h"
#include "api/subsonic/service.h"
#include "api/track_stream.h"
#include "media/thumbnail.h"

namespace dispotify::api::subsonic {
namespace {

// A raw answer that failed (the blob is not on this node, an I/O error)
// becomes a Subsonic error; 206, 304 and 416 are answers in their own right.
Result<Answer> raw_answer(const catalog::Track& track, net::Response response) {
  if (response.status >= 400 && response.status != 416) {
    return make_error(response.status == 404 ? Errc::not_found : Errc::io_error,
                      "the audio of " + track.id + " is not available on this node (HTTP " +
                          std::to_string(response.status) + ")");
  }
  return Answer(std::move(response));
}

Result<Answer> download(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, find_track(call, id));
  net::Response response = serve_blob(call.ctx, call.http, track.content_hash, track.content_type);
  if (response.status >= 400) return raw_answer(track, std::move(response));
  if (response.status < 300) {
    response.set_header("Content-Disposition",
                        "attachment; filename=\"" + track.id + "." + suffix_of(track) + "\"");
  }
  return Answer(std::move(response));
}

Result<Answer> stream(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, find_track(call, id));
  StreamRequest wanted;
  wanted.format = std::string(call.params.get("format").value_or(""));
  DISPOTIFY_ASSIGN_OR_RETURN(wanted.max_bitrate_kbps, call.params.integer("maxBitRate", 0, 0, 100'000));
  DISPOTIFY_ASSIGN_OR_RETURN(wanted.time_offset_s, call.params.integer("timeOffset", 0, 0, 24 * 3600));
  DISPOTIFY_ASSIGN_OR_RETURN(net::Response response, serve_track(call.ctx, call.http, track, wanted));
  return raw_answer(track, std::move(response));
}

// The cover of a track, an album, an artist (its first album with one) or
// a playlist (its first track with one).
Result<std::string> cover_hash_of(const Call& call, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, call.ctx.catalog.track(id));
  if (track) return track->cover_hash;
  DISPOTIFY_ASSIGN_OR_RETURN(auto album, call.ctx.catalog.album(id));
  if (album) return album->album.cover_hash;
  DISPOTIFY_ASSIGN_OR_RETURN(auto artist, call.ctx.catalog.artist(id));
  if (artist) {
    for (const catalog::Album& a : artist->albums) {
      if (!a.cover_hash.empty()) return a.cover_hash;
    }
    return std::string();
  }
  DISPOTIFY_ASSIGN_OR_RETURN(auto playlist, call.ctx.catalog.playlist(id));
  if (playlist && playlist->playlist.owner_id == call.user.id) {
    for (const catalog::Track& t : playlist->tracks) {
      if (!t.cover_hash.empty()) return t.cover_hash;
    }
  }
  return std::string();
}

Result<Answer> get_cover_art(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t size, call.params.integer("size", 0, 0, INT32_MAX));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string hash, cover_hash_of(call, id));
  if (hash.empty()) return make_error(Errc::not_found, "no cover art for " + id);
  // Clients ask for whatever their layout needs: clamp instead of refusing.
  if (size != 0) size = std::clamp<int64_t>(size, media::kThumbnailSizeMin, media::kThumbnailSizeMax);
  net::Response response = serve_cover_sized(call.ctx, call.http, hash, size);
  if (response.status >= 400) return make_error(Errc::not_found, "cover art unavailable for " + id);
  return Answer(std::move(response));
}

Result<Answer> get_lyrics(Call& call) {
  const std::string artist(call.params.get("artist").value_or(""));
  const std::string title(call.params.get("title").value_or(""));
  boost::json::object out;
  if (!title.empty()) {
    DISPOTIFY_ASSIGN_OR_RETURN(auto track, catalog::track_with_lyrics(call.ctx.catalog, artist, title));
    if (track) {
      std::string text;
      for (const LyricsLine& line : parse_lyrics(track->lyrics).lines) text += line.text + "\n";
      out = {{"artist", track->artist}, {"title", track->title}, {"value", text}};
    }
  }
  return Answer(payload("lyrics", std::move(out)));
}

Result<Answer> get_lyrics_by_song_id(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string id, call.params.required("id"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto track, find_track(call, id));
  boost::json::array structured;
  if (!track.lyrics.empty()) {
    const Lyrics lyrics = parse_lyrics(track.lyrics);
    boost::json::array lines;
    for (const LyricsLine& line : lyrics.lines) {
      boost::json::object l{{"value", line.text}};
      if (line.start_ms) l["start"] = *line.start_ms;
      lines.push_back(std::move(l));
    }
    structured.push_back(boost::json::object{{"displayArtist", track.artist},
                                             {"displayTitle", track.title},
                                             {"lang", "xxx"},
                                             {"offset", 0},
                                             {"synced", lyrics.synced},
                                             {"line", std::move(lines)}});
  }
  return Answer(payload("lyricsList", boost::json::object{{"structuredLyrics", std::move(structured)}}));
}

}  // namespace

void add_media_methods(MethodTable& table) {
  table["stream"] = {stream, false};
  table["download"] = {download, false};
  table["getCoverArt"] = {get_cover_art, false};
  table["getLyrics"] = {get_lyrics};
  table["getLyricsBySongId"] = {get_lyrics_by_song_id};
}

}  // namespace dispotify::api::subsonic
