// The ordered entries of a playlist: positions 0..n-1 without gaps.
//
// Edits load the list, change it in memory and write it back whole; with
// at most kPlaylistTracksMax entries that is cheap and keeps the
// (playlist_id, position) primary key valid at every step.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

inline constexpr size_t kPlaylistTracksMax = 10000;

[[nodiscard]] Result<std::vector<std::string>> load_playlist_entries(Db& db, const std::string& playlist_id);
[[nodiscard]] Status store_playlist_entries(Db& db, const std::string& playlist_id,
                                            const std::vector<std::string>& track_ids);
// Removes every entry of the track from every playlist, closing the gaps.
[[nodiscard]] Status remove_track_from_playlists(Db& db, const std::string& track_id);

}  // namespace dispotify::catalog
