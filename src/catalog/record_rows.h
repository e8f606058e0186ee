// Row <-> record mapping for the tables that hold whole records.
//
// Every query that returns a record selects k*Columns from the table
// aliased as in the constant (tracks t, albums a, artists r, users u,
// tokens k, playlists p) and reads it with the matching read_*() starting
// at the column where the list begins.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "catalog/sqlite_db.h"
#include "catalog/statement.h"
#include "catalog/types.h"

namespace dispotify::catalog {

#define DISPOTIFY_TRACK_COLUMNS                                                                       \
  "t.id, t.title, t.artists_json, t.artist, t.album, t.album_artist, t.album_id, t.artist_id, "       \
  "t.compilation, t.track_number, t.track_total, t.disc_number, t.disc_total, t.year, t.genre, "      \
  "t.duration_ms, t.bitrate_kbps, t.sample_rate, t.channels, t.codec, t.content_type, t.size_bytes, " \
  "t.content_hash, t.cover_hash, t.replaygain_track_gain_db, t.replaygain_track_peak, "               \
  "t.replaygain_album_gain_db, t.replaygain_album_peak, t.lyrics, t.musicbrainz_track_id, "           \
  "t.musicbrainz_album_id, t.musicbrainz_artist_id, t.filename, t.uploaded_by, t.created_at_ms"
inline constexpr int kTrackColumnCount = 35;

#define DISPOTIFY_ALBUM_COLUMNS                                                                 \
  "a.id, a.title, a.album_artist, a.artist_id, a.compilation, a.year, a.genre, a.track_count, " \
  "a.disc_count, a.duration_ms, a.cover_hash, a.created_at_ms"

#define DISPOTIFY_ARTIST_COLUMNS "r.id, r.name, r.album_count, r.track_count"

#define DISPOTIFY_USER_COLUMNS "u.id, u.username, u.password_hash, u.role, u.created_at_ms"

#define DISPOTIFY_TOKEN_COLUMNS \
  "k.id, k.user_id, k.token_hash, k.name, k.kind, k.created_at_ms, k.expires_at_ms"

Track read_track(const Statement& row, int first);
Album read_album(const Statement& row, int first);
Artist read_artist(const Statement& row, int first);
User read_user(const Statement& row, int first);
Token read_token(const Statement& row, int first);

// Inserts a track whose derived fields are already set.
[[nodiscard]] Status insert_track(Db& db, const Track& track);

// Steps `stmt` to the end, reading one record per row.
template <class T, class ReadRow>
[[nodiscard]] Result<std::vector<T>> read_all(Statement& stmt, ReadRow read_row) {
  std::vector<T> out;
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return out;
    out.push_back(read_row(stmt, 0));
  }
}

}  // namespace dispotify::catalog
