#include "catalog/aggregates.h"

namespace dispotify::catalog {
namespace {

struct AlbumSummary {
  int64_t track_count = 0;
  int64_t disc_count = 0;
  int64_t year = 0;
  int64_t duration_ms = 0;
  int64_t created_at_ms = 0;
  bool compilation = false;
  std::string genre;
  std::string cover_hash;
};

Result<AlbumSummary> summarize_album(Db& db, const std::string& album_id) {
  AlbumSummary s;
  {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT count(*), max(1, coalesce(max(disc_number), 1)), coalesce(max(year), 0), "
                          "coalesce(sum(duration_ms), 0), coalesce(min(created_at_ms), 0), "
                          "coalesce(max(compilation), 0) FROM tracks WHERE album_id = ?1"));
    stmt.bind(1, album_id);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    DISPOTIFY_CHECK(row);  // an aggregate always returns one row
    s = AlbumSummary{stmt.column_int64(0),
                     stmt.column_int64(1),
                     stmt.column_int64(2),
                     stmt.column_int64(3),
                     stmt.column_int64(4),
                     stmt.column_bool(5),
                     {},
                     {}};
  }
  if (s.track_count == 0) return s;
  // Most common non-empty genre; ties go to the smallest (bytewise).
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement genre,
      db.prepare_cached("SELECT genre FROM tracks WHERE album_id = ?1 AND genre != '' GROUP BY genre "
                        "ORDER BY count(*) DESC, genre LIMIT 1"));
  genre.bind(1, album_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool has_genre, genre.step());
  if (has_genre) s.genre = genre.column_string(0);
  // The cover of the first track (album order) that has one.
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement cover,
      db.prepare_cached("SELECT cover_hash FROM tracks WHERE album_id = ?1 AND cover_hash != '' "
                        "ORDER BY disc_number, track_number, title, id LIMIT 1"));
  cover.bind(1, album_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool has_cover, cover.step());
  if (has_cover) s.cover_hash = cover.column_string(0);
  return s;
}

Status delete_by_id(Db& db, const char* sql, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, id);
  return stmt.run();
}

Result<int64_t> count_of(Db& db, const char* sql, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  DISPOTIFY_CHECK(row);
  return stmt.column_int64(0);
}

}  // namespace

Status refresh_album(Db& db, const std::string& album_id, const std::string& title,
                     const std::string& album_artist, const std::string& artist_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(AlbumSummary s, summarize_album(db, album_id));
  if (s.track_count == 0) return delete_by_id(db, "DELETE FROM albums WHERE id = ?1", album_id);
  // The display title and album artist stay those of the track that created
  // the album; later tracks only differ from them in case or spacing.
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached(
          "INSERT INTO albums (id, title, album_artist, artist_id, compilation, year, genre, track_count, "
          "disc_count, duration_ms, cover_hash, created_at_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
          "ON CONFLICT (id) DO UPDATE SET compilation = ?5, year = ?6, genre = ?7, track_count = ?8, "
          "disc_count = ?9, duration_ms = ?10, cover_hash = ?11, created_at_ms = ?12"));
  stmt.bind(1, album_id).bind(2, title).bind(3, album_artist).bind(4, artist_id).bind(5, s.compilation);
  stmt.bind(6, s.year).bind(7, s.genre).bind(8, s.track_count).bind(9, s.disc_count);
  stmt.bind(10, s.duration_ms).bind(11, s.cover_hash).bind(12, s.created_at_ms);
  return stmt.run();
}

Status refresh_artist(Db& db, const std::string& artist_id, const std::string& name) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      int64_t tracks, count_of(db, "SELECT count(*) FROM track_artists WHERE artist_id = ?1", artist_id));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t albums,
                             count_of(db, "SELECT count(*) FROM albums WHERE artist_id = ?1", artist_id));
  if (tracks == 0 && albums == 0) return delete_by_id(db, "DELETE FROM artists WHERE id = ?1", artist_id);
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT INTO artists (id, name, album_count, track_count) VALUES (?1, ?2, ?3, ?4) "
                        "ON CONFLICT (id) DO UPDATE SET album_count = ?3, track_count = ?4"));
  stmt.bind(1, artist_id).bind(2, name).bind(3, albums).bind(4, tracks);
  return stmt.run();
}

}  // namespace dispotify::catalog
