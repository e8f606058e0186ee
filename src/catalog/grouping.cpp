#include "catalog/grouping.h"

#include "base/check.h"
#include "catalog/ids.h"
#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

std::vector<std::string> clean_artists(const std::vector<std::string>& tagged) {
  std::vector<std::string> artists;
  for (const std::string& name : tagged) {
    std::string_view trimmed = trim(name);
    if (!trimmed.empty()) artists.emplace_back(trimmed);
  }
  if (artists.empty()) artists.emplace_back(kUnknownArtist);
  return artists;
}

std::string join_artists(const std::vector<std::string>& artists) {
  std::string joined;
  for (const std::string& name : artists) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

}  // namespace

Track with_derived_fields(Track track) {
  track.artists = clean_artists(track.artists);
  track.artist = join_artists(track.artists);
  track.album = std::string(trim(track.album));
  if (track.album.empty()) track.album = kUnknownAlbum;
  std::string tag_album_artist(trim(track.album_artist));
  if (!tag_album_artist.empty()) {
    track.album_artist = tag_album_artist;
  } else if (track.compilation) {
    track.album_artist = kVariousArtists;
  } else {
    track.album_artist = track.artists.front();
  }
  track.album_id = album_id_for(track.album_artist, track.album);
  track.artist_id = artist_id_for(track.artists.front());
  DISPOTIFY_CHECK(!track.artists.empty() && !track.album_artist.empty());
  return track;
}

}  // namespace dispotify::catalog
