// Catalog records as Subsonic objects (Child, AlbumID3, ArtistID3, ...),
// with the calling user's stars, ratings and play counts.
//
// Ids are the catalog's own (track ids, derived album and artist ids), so
// they are the same on every node and across restarts. coverArt is the id
// of the record that has the cover; getCoverArt resolves it.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "api/context.h"
#include "catalog/listening_queries.h"
#include "catalog/types.h"

namespace dispotify::api::subsonic {

// ISO 8601 UTC, as Subsonic dates are.
std::string iso_time(int64_t unix_ms);
// "mp3", "flac", ...: the file name's extension, else from the codec.
std::string suffix_of(const catalog::Track& track);

class Views {
 public:
  Views(ApiContext& ctx, std::string user_id) : ctx_(ctx), user_id_(std::move(user_id)) {}

  [[nodiscard]] Result<boost::json::array> songs(const std::vector<catalog::Track>& tracks) const;
  [[nodiscard]] Result<boost::json::array> albums(const std::vector<catalog::Album>& albums) const;
  [[nodiscard]] Result<boost::json::array> artists(const std::vector<catalog::Artist>& artists) const;
  [[nodiscard]] Result<boost::json::object> song(const catalog::Track& track) const;
  [[nodiscard]] Result<boost::json::object> album(const catalog::Album& album) const;
  [[nodiscard]] Result<boost::json::object> artist(const catalog::Artist& artist) const;

  static boost::json::object song_of(const catalog::Track& track, const catalog::Annotation& marks);
  static boost::json::object album_of(const catalog::Album& album, const catalog::Annotation& marks);
  static boost::json::object artist_of(const catalog::Artist& artist, const catalog::Annotation& marks);

 private:
  ApiContext& ctx_;
  std::string user_id_;
};

}  // namespace dispotify::api::subsonic
