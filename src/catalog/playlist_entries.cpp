#include "catalog/playlist_entries.h"

#include <algorithm>

namespace dispotify::catalog {

Result<std::vector<std::string>> load_playlist_entries(Db& db, const std::string& playlist_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached(
          "SELECT position, track_id FROM playlist_tracks WHERE playlist_id = ?1 ORDER BY position"));
  stmt.bind(1, playlist_id);
  std::vector<std::string> track_ids;
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    DISPOTIFY_CHECK(stmt.column_int64(0) == static_cast<int64_t>(track_ids.size()));  // no gaps
    track_ids.push_back(stmt.column_string(1));
  }
  return track_ids;
}

Status store_playlist_entries(Db& db, const std::string& playlist_id,
                              const std::vector<std::string>& track_ids) {
  DISPOTIFY_CHECK(track_ids.size() <= kPlaylistTracksMax);
  {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement clear,
                               db.prepare_cached("DELETE FROM playlist_tracks WHERE playlist_id = ?1"));
    clear.bind(1, playlist_id);
    DISPOTIFY_TRY(clear.run());
  }
  for (size_t i = 0; i < track_ids.size(); ++i) {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement insert,
        db.prepare_cached(
            "INSERT INTO playlist_tracks (playlist_id, position, track_id) VALUES (?1, ?2, ?3)"));
    insert.bind(1, playlist_id).bind(2, static_cast<int64_t>(i)).bind(3, track_ids[i]);
    DISPOTIFY_TRY(insert.run());
  }
  return ok_status();
}

Status remove_track_from_playlists(Db& db, const std::string& track_id) {
  std::vector<std::string> playlist_ids;
  {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT DISTINCT playlist_id FROM playlist_tracks WHERE track_id = ?1 ORDER BY 1"));
    stmt.bind(1, track_id);
    while (true) {
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      playlist_ids.push_back(stmt.column_string(0));
    }
  }
  for (const std::string& playlist_id : playlist_ids) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> entries, load_playlist_entries(db, playlist_id));
    std::erase(entries, track_id);
    DISPOTIFY_TRY(store_playlist_entries(db, playlist_id, entries));
  }
  return ok_status();
}

}  // namespace dispotify::catalog
