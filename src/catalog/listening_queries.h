// Queries behind the Subsonic API: per-user listening data (stars,
// ratings, plays, play queue, Subsonic password) and the library views
// Subsonic clients browse by (album lists, genres, random songs, paged
// search). Free functions over Catalog::read_snapshot, so catalog.h stays
// small; each runs in one read transaction. Thread-safe like Catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "catalog/catalog.h"
#include "catalog/types.h"

namespace dispotify::catalog {

// One user's marks on one track, album or artist; zero means unset.
struct Annotation {
  int64_t starred_at_ms = 0;
  int rating = 0;
  int64_t play_count = 0;
  int64_t played_at_ms = 0;
};

struct PlayQueue {
  std::vector<Track> tracks;  // in queue order; tracks deleted since are left out
  std::string current_id;
  int64_t position_ms = 0;
  std::string changed_by;
  int64_t changed_at_ms = 0;
};

struct Starred {  // each newest star first
  std::vector<Track> tracks;
  std::vector<Album> albums;
  std::vector<Artist> artists;
};

struct Genre {
  std::string name;
  int64_t track_count = 0;
  int64_t album_count = 0;
};

enum class AlbumListType {
  random,
  newest,
  frequent,
  recent,
  alphabetical_by_name,
  alphabetical_by_artist,
  starred,
  by_year,
  by_genre
};

struct AlbumListQuery2 {
  AlbumListType type = AlbumListType::alphabetical_by_name;
  std::string user_id;  // for frequent, recent and starred
  int64_t offset = 0;
  int64_t limit = 10;  // 1..500
  int from_year = 0;   // by_year: from > to lists newest first
  int to_year = 0;
  std::string genre;  // by_genre
};

struct SearchPage {
  int64_t artist_offset = 0, artist_count = 20;  // counts 0..500
  int64_t album_offset = 0, album_count = 20;
  int64_t track_offset = 0, track_count = 20;
};

inline constexpr int64_t kListLimitMax = 500;
// Starred lists and indexes are whole lists; past this they are cut.
inline constexpr int64_t kWholeListMax = 100'000;

// The user's Subsonic password as stored: sealed with the cluster key, in
// hex (api/subsonic_secret.h opens it).
[[nodiscard]] Result<std::optional<std::string>> subsonic_password_sealed(const Catalog& catalog,
                                                                          std::string_view user_id);
// The user's annotations of the given items of one kind ("track", "album",
// "artist"), by item id; items without one are absent.
[[nodiscard]] Result<std::unordered_map<std::string, Annotation>> annotations(
    const Catalog& catalog, std::string_view user_id, std::string_view kind,
    const std::vector<std::string>& ids);
[[nodiscard]] Result<Starred> starred(const Catalog& catalog, std::string_view user_id);
[[nodiscard]] Result<std::optional<PlayQueue>> play_queue(const Catalog& catalog, std::string_view user_id);

[[nodiscard]] Result<std::vector<Album>> album_list(const Catalog& catalog, const AlbumListQuery2& query);
// Up to `limit` tracks in random order; genre "" and years 0 do not filter.
[[nodiscard]] Result<std::vector<Track>> random_tracks(const Catalog& catalog, int64_t limit,
                                                       std::string_view genre, int from_year, int to_year);
[[nodiscard]] Result<std::vector<Genre>> genres(const Catalog& catalog);  // by name
[[nodiscard]] Result<std::vector<Track>> tracks_by_genre(const Catalog& catalog, std::string_view genre,
                                                         int64_t offset, int64_t limit);
// Artists that are the album artist of at least one album, by name.
[[nodiscard]] Result<std::vector<Artist>> album_artists(const Catalog& catalog);
// Search with an offset per kind; empty text lists everything by name.
[[nodiscard]] Result<SearchResult> search_paged(const Catalog& catalog, std::string_view text,
                                                const SearchPage& page);
// The first track with this title (case-insensitive) and, if artist is not
// empty, this artist, that has lyrics.
[[nodiscard]] Result<std::optional<Track>> track_with_lyrics(const Catalog& catalog, std::string_view artist,
                                                             std::string_view title);

}  // namespace dispotify::catalog
