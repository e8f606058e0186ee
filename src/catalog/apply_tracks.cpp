// Adding and deleting tracks, with the albums and artists they imply.
#include <cmath>
#include <limits>

#include "catalog/aggregates.h"
#include "catalog/apply.h"
#include "catalog/apply_blobs.h"
#include "catalog/audit.h"
#include "catalog/grouping.h"
#include "catalog/ids.h"
#include "catalog/playlist_entries.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

constexpr size_t kTrackArtistsMax = 64;

Status validate_track(const Track& t) {
  if (t.id.empty()) return invalid("track id is empty");
  if (t.content_hash.empty()) return invalid("track content_hash is empty");
  if (t.artists.size() > kTrackArtistsMax) return invalid("track lists more than 64 artists");
  if (t.size_bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return invalid("track size_bytes is out of range");
  }
  for (const std::optional<double>& gain : {t.replaygain_track_gain_db, t.replaygain_track_peak,
                                            t.replaygain_album_gain_db, t.replaygain_album_peak}) {
    if (gain && !std::isfinite(*gain)) return invalid("track replaygain values must be finite");
  }
  return ok_status();
}

Status insert_track_artists(Db& db, const Track& t) {
  for (size_t i = 0; i < t.artists.size(); ++i) {
    // OR IGNORE: "Ana" and "ana" in one tag are one artist, listed once at
    // its first position.
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached(
            "INSERT OR IGNORE INTO track_artists (track_id, artist_id, position) VALUES (?1, ?2, ?3)"));
    stmt.bind(1, t.id).bind(2, artist_id_for(t.artists[i])).bind(3, static_cast<int64_t>(i));
    DISPOTIFY_TRY(stmt.run());
  }
  return ok_status();
}

// Refreshes the album and then every artist the track touches (its own
// artists and the album artist), in a fixed order.
Status refresh_summaries(Db& db, const Track& t) {
  std::string album_artist_id = artist_id_for(t.album_artist);
  DISPOTIFY_TRY(refresh_album(db, t.album_id, t.album, t.album_artist, album_artist_id));
  for (const std::string& name : t.artists) DISPOTIFY_TRY(refresh_artist(db, artist_id_for(name), name));
  return refresh_artist(db, album_artist_id, t.album_artist);
}

Result<std::optional<Track>> find_track(Db& db, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE t.id = ?1"));
  stmt.bind(1, id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Track>();
  return std::optional<Track>(read_track(stmt, 0));
}

}  // namespace

Status apply_add_track(Db& db, const AddTrack& c) {
  DISPOTIFY_TRY(validate_track(c.track));
  DISPOTIFY_TRY(validate_blob_copies(c.blobs));
  DISPOTIFY_ASSIGN_OR_RETURN(bool id_taken, row_exists(db, "SELECT 1 FROM tracks WHERE id = ?1", c.track.id));
  if (id_taken) return make_error(Errc::conflict, "track id '" + c.track.id + "' already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(
      bool hash_taken, row_exists(db, "SELECT 1 FROM tracks WHERE content_hash = ?1", c.track.content_hash));
  if (hash_taken) {
    return make_error(Errc::conflict,
                      "a track with content_hash " + c.track.content_hash + " already exists");
  }
  Track track = with_derived_fields(c.track);
  DISPOTIFY_TRY(record_blob_copies(db, c.blobs));
  DISPOTIFY_TRY(insert_track(db, track));
  DISPOTIFY_TRY(insert_track_artists(db, track));
  DISPOTIFY_TRY(refresh_summaries(db, track));
  return record_audit_event(db, origin_or(c.origin, track.uploaded_by, track.created_at_ms), "track.uploaded",
                            track.id,
                            {{"title", track.title}, {"artist", track.artist}, {"album", track.album}});
}

Status apply_delete_track(Db& db, const DeleteTrack& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<Track> track, find_track(db, c.track_id));
  if (!track) return make_error(Errc::not_found, "no track with id '" + c.track_id + "'");
  DISPOTIFY_TRY(remove_track_from_playlists(db, track->id));
  {
    // track_artists rows go by ON DELETE CASCADE, the search row by trigger.
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("DELETE FROM tracks WHERE id = ?1"));
    stmt.bind(1, track->id);
    DISPOTIFY_TRY(stmt.run());
    DISPOTIFY_CHECK(db.changes() == 1);
  }
  DISPOTIFY_TRY(refresh_summaries(db, *track));
  return record_audit_event(
      db, c.origin, "track.deleted", track->id,
      {{"title", track->title}, {"artist", track->artist}, {"uploaded_by", track->uploaded_by}});
}

}  // namespace dispotify::catalog
