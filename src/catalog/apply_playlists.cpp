// Playlists: only the owner may change one (apply does not special-case
// admins; the API decides who may act for whom before proposing).
#include <algorithm>
#include <set>

#include "catalog/apply.h"
#include "catalog/audit.h"
#include "catalog/playlist_entries.h"

namespace dispotify::catalog {
namespace {

constexpr size_t kPlaylistNameBytesMax = 256;

Status validate_name(const std::string& name) {
  if (name.empty()) return invalid("playlist name is empty");
  if (name.size() > kPlaylistNameBytesMax) return invalid("playlist name is longer than 256 bytes");
  return ok_status();
}

// not_found if the playlist does not exist, permission_denied if the actor
// does not own it.
Status check_owner(Db& db, const std::string& playlist_id, const std::string& actor_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("SELECT owner_id FROM playlists WHERE id = ?1"));
  stmt.bind(1, playlist_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, "no playlist with id '" + playlist_id + "'");
  if (stmt.column_string(0) != actor_id) {
    return make_error(Errc::permission_denied, "playlist '" + playlist_id + "' belongs to another user");
  }
  return ok_status();
}

Status touch(Db& db, const std::string& playlist_id, int64_t at_ms) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("UPDATE playlists SET updated_at_ms = ?2 WHERE id = ?1"));
  stmt.bind(1, playlist_id).bind(2, at_ms);
  return stmt.run();
}

Status check_tracks_exist(Db& db, const std::vector<std::string>& track_ids) {
  for (const std::string& id : track_ids) {
    DISPOTIFY_ASSIGN_OR_RETURN(bool exists, row_exists(db, "SELECT 1 FROM tracks WHERE id = ?1", id));
    if (!exists) return make_error(Errc::not_found, "no track with id '" + id + "'");
  }
  return ok_status();
}

bool in_range(int64_t position, size_t size) {
  return position >= 0 && static_cast<uint64_t>(position) < size;
}

}  // namespace

Status apply_create_playlist(Db& db, const CreatePlaylist& c) {
  const Playlist& p = c.playlist;
  if (p.id.empty()) return invalid("playlist id is empty");
  DISPOTIFY_TRY(validate_name(p.name));
  DISPOTIFY_ASSIGN_OR_RETURN(bool owner_exists,
                             row_exists(db, "SELECT 1 FROM users WHERE id = ?1", p.owner_id));
  if (!owner_exists) return make_error(Errc::not_found, "no user with id '" + p.owner_id + "'");
  DISPOTIFY_ASSIGN_OR_RETURN(bool id_taken, row_exists(db, "SELECT 1 FROM playlists WHERE id = ?1", p.id));
  if (id_taken) return make_error(Errc::conflict, "playlist id '" + p.id + "' already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("INSERT INTO playlists (id, owner_id, name, created_at_ms, "
                                               "updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.bind(1, p.id).bind(2, p.owner_id).bind(3, p.name).bind(4, p.created_at_ms).bind(5, p.updated_at_ms);
  return stmt.run();
}

Status apply_rename_playlist(Db& db, const RenamePlaylist& c) {
  DISPOTIFY_TRY(validate_name(c.name));
  DISPOTIFY_TRY(check_owner(db, c.playlist_id, c.actor_id));
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("UPDATE playlists SET name = ?2, updated_at_ms = ?3 WHERE id = ?1"));
  stmt.bind(1, c.playlist_id).bind(2, c.name).bind(3, c.at_ms);
  return stmt.run();
}

Status apply_delete_playlist(Db& db, const DeletePlaylist& c) {
  DISPOTIFY_TRY(check_owner(db, c.playlist_id, c.actor_id));
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("DELETE FROM playlists WHERE id = ?1"));
  stmt.bind(1, c.playlist_id);
  DISPOTIFY_TRY(stmt.run());  // entries go by ON DELETE CASCADE
  return record_audit_event(db, origin_or(c.origin, c.actor_id, 0), "playlist.deleted", c.playlist_id);
}

Status apply_add_playlist_tracks(Db& db, const AddPlaylistTracks& c) {
  DISPOTIFY_TRY(check_owner(db, c.playlist_id, c.actor_id));
  if (c.track_ids.empty()) return invalid("track_ids is empty");
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> entries, load_playlist_entries(db, c.playlist_id));
  // position == size inserts before nothing: the same as appending.
  if (c.position != -1 && (c.position < 0 || static_cast<uint64_t>(c.position) > entries.size())) {
    return invalid("position " + std::to_string(c.position) + " is outside the playlist (size " +
                   std::to_string(entries.size()) + ")");
  }
  if (entries.size() + c.track_ids.size() > kPlaylistTracksMax) {
    return invalid("a playlist holds at most " + std::to_string(kPlaylistTracksMax) + " tracks");
  }
  DISPOTIFY_TRY(check_tracks_exist(db, c.track_ids));
  auto at = c.position == -1 ? entries.end() : entries.begin() + c.position;
  entries.insert(at, c.track_ids.begin(), c.track_ids.end());
  DISPOTIFY_TRY(store_playlist_entries(db, c.playlist_id, entries));
  return touch(db, c.playlist_id, c.at_ms);
}

Status apply_remove_playlist_tracks(Db& db, const RemovePlaylistTracks& c) {
  DISPOTIFY_TRY(check_owner(db, c.playlist_id, c.actor_id));
  if (c.positions.empty()) return invalid("positions is empty");
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> entries, load_playlist_entries(db, c.playlist_id));
  std::set<int64_t> doomed;
  for (int64_t position : c.positions) {
    if (!in_range(position, entries.size())) {
      return invalid("position " + std::to_string(position) + " is outside the playlist (size " +
                     std::to_string(entries.size()) + ")");
    }
    if (!doomed.insert(position).second)
      return invalid("position " + std::to_string(position) + " is repeated");
  }
  // Positions all refer to the list before the removal.
  std::vector<std::string> kept;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!doomed.contains(static_cast<int64_t>(i))) kept.push_back(std::move(entries[i]));
  }
  DISPOTIFY_TRY(store_playlist_entries(db, c.playlist_id, kept));
  return touch(db, c.playlist_id, c.at_ms);
}

Status apply_move_playlist_track(Db& db, const MovePlaylistTrack& c) {
  DISPOTIFY_TRY(check_owner(db, c.playlist_id, c.actor_id));
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> entries, load_playlist_entries(db, c.playlist_id));
  if (!in_range(c.from, entries.size()) || !in_range(c.to, entries.size())) {
    return invalid("move from " + std::to_string(c.from) + " to " + std::to_string(c.to) +
                   " is outside the playlist (size " + std::to_string(entries.size()) + ")");
  }
  // `to` is the entry's position after the move.
  std::string moved = std::move(entries[static_cast<size_t>(c.from)]);
  entries.erase(entries.begin() + c.from);
  entries.insert(entries.begin() + c.to, std::move(moved));
  DISPOTIFY_TRY(store_playlist_entries(db, c.playlist_id, entries));
  return touch(db, c.playlist_id, c.at_ms);
}

}  // namespace dispotify::catalog
