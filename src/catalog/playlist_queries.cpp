// Playlists of a user and playlist pages.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

// track_count and duration_ms are computed from the entries, never stored,
// so deleting a track cannot leave them stale.
#define DISPOTIFY_PLAYLIST_COLUMNS                                                                     \
  "p.id, p.owner_id, p.name, "                                                                         \
  "(SELECT count(*) FROM playlist_tracks e WHERE e.playlist_id = p.id), "                              \
  "(SELECT coalesce(sum(t.duration_ms), 0) FROM playlist_tracks e JOIN tracks t ON t.id = e.track_id " \
  "WHERE e.playlist_id = p.id), p.created_at_ms, p.updated_at_ms"

Playlist read_playlist(const Statement& row, int first) {
  return Playlist{.id = row.column_string(first),
                  .owner_id = row.column_string(first + 1),
                  .name = row.column_string(first + 2),
                  .track_count = row.column_int(first + 3),
                  .duration_ms = row.column_int64(first + 4),
                  .created_at_ms = row.column_int64(first + 5),
                  .updated_at_ms = row.column_int64(first + 6)};
}

}  // namespace

Result<std::vector<Playlist>> Catalog::playlists_of(std::string_view owner_id) const {
  return impl_->read([&](Db& db) -> Result<std::vector<Playlist>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_PLAYLIST_COLUMNS
                                                                 " FROM playlists p WHERE p.owner_id = ?1 "
                                                                 "ORDER BY p.name COLLATE NOCASE, p.id"));
    stmt.bind(1, owner_id);
    return read_all<Playlist>(stmt, read_playlist);
  });
}

Result<std::optional<PlaylistDetail>> Catalog::playlist(std::string_view id) const {
  return impl_->read([&](Db& db) -> Result<std::optional<PlaylistDetail>> {
    PlaylistDetail detail;
    {
      DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_PLAYLIST_COLUMNS
                                                                   " FROM playlists p WHERE p.id = ?1"));
      stmt.bind(1, id);
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return std::optional<PlaylistDetail>();
      detail.playlist = read_playlist(stmt, 0);
    }
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM playlist_tracks e "
                          "JOIN tracks t ON t.id = e.track_id WHERE e.playlist_id = ?1 ORDER BY e.position"));
    stmt.bind(1, id);
    DISPOTIFY_ASSIGN_OR_RETURN(detail.tracks, read_all<Track>(stmt, read_track));
    DISPOTIFY_CHECK(detail.tracks.size() == static_cast<size_t>(detail.playlist.track_count));
    return std::optional<PlaylistDetail>(std::move(detail));
  });
}

Result<std::optional<std::string>> Catalog::playlist_owner(std::string_view id) const {
  return impl_->read([&](Db& db) -> Result<std::optional<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT owner_id FROM playlists WHERE id = ?1"));
    stmt.bind(1, id);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(stmt.column_string(0));
  });
}

}  // namespace dispotify::catalog
