#include "catalog/listening_queries.h"

#include <boost/json.hpp>

#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"
#include "catalog/search_query.h"

namespace dispotify::catalog {
namespace {

// Search ranks at most this many of the newest matches per kind (as
// Catalog::search does), so a one-letter query stays cheap.
constexpr int64_t kRankedMatchesMax = 500;

std::string json_list(const std::vector<std::string>& ids) {
  boost::json::array array;
  for (const std::string& id : ids) array.emplace_back(id);
  return boost::json::serialize(array);
}

Status check_limit(int64_t offset, int64_t limit) {
  if (limit < 0 || limit > kListLimitMax) return make_error(Errc::invalid_argument, "count must be 0..500");
  if (offset < 0) return make_error(Errc::invalid_argument, "offset must not be negative");
  return ok_status();
}

// Each album list is one constant statement; the flags say which of
// ?3 (user), ?4 ?5 (years), ?6 (genre) it uses besides ?1 limit, ?2 offset.
struct AlbumListSql {
  const char* sql;
  bool user = false;
  bool years = false;
  bool genre = false;
};

#define DISPOTIFY_ANNOTATED_ALBUMS                                    \
  "SELECT " DISPOTIFY_ALBUM_COLUMNS                                   \
  " FROM albums a JOIN annotations n ON n.user_id = ?3 AND n.kind = " \
  "'album' AND n.item_id = a.id "

AlbumListSql album_list_sql(const AlbumListQuery2& q) {
  switch (q.type) {
    case AlbumListType::random:
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS " FROM albums a ORDER BY random() LIMIT ?1 OFFSET ?2"};
    case AlbumListType::newest:
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
              " FROM albums a ORDER BY a.created_at_ms DESC, a.id LIMIT ?1 OFFSET ?2"};
    case AlbumListType::frequent:
      return {DISPOTIFY_ANNOTATED_ALBUMS
              "WHERE n.play_count > 0 ORDER BY n.play_count DESC, n.played_at_ms "
              "DESC, a.id LIMIT ?1 OFFSET ?2",
              true};
    case AlbumListType::recent:
      return {DISPOTIFY_ANNOTATED_ALBUMS
              "WHERE n.played_at_ms > 0 ORDER BY n.played_at_ms DESC, a.id "
              "LIMIT ?1 OFFSET ?2",
              true};
    case AlbumListType::starred:
      return {DISPOTIFY_ANNOTATED_ALBUMS
              "WHERE n.starred_at_ms > 0 ORDER BY n.starred_at_ms DESC, a.id "
              "LIMIT ?1 OFFSET ?2",
              true};
    case AlbumListType::alphabetical_by_name:
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
              " FROM albums a ORDER BY a.title COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2"};
    case AlbumListType::alphabetical_by_artist:
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
              " FROM albums a ORDER BY a.album_artist COLLATE NOCASE, a.title COLLATE NOCASE, a.id "
              "LIMIT ?1 OFFSET ?2"};
    case AlbumListType::by_year:
      if (q.from_year <= q.to_year) {
        return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
                " FROM albums a WHERE a.year BETWEEN ?4 AND ?5 "
                "ORDER BY a.year, a.title COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2",
                false, true};
      }
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
              " FROM albums a WHERE a.year BETWEEN ?5 AND ?4 "
              "ORDER BY a.year DESC, a.title COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2",
              false, true};
    case AlbumListType::by_genre:
      // Any track of the album in the genre, not only the album's main genre.
      return {"SELECT " DISPOTIFY_ALBUM_COLUMNS
              " FROM albums a WHERE a.id IN "
              "(SELECT album_id FROM tracks WHERE genre = ?6 COLLATE NOCASE) "
              "ORDER BY a.title COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2",
              false, false, true};
  }
  DISPOTIFY_CHECK_MSG(false, "unknown album list type");
  return {};
}

#define DISPOTIFY_STARRED_SQL(table, alias, columns, kind)                   \
  "SELECT " columns " FROM annotations n JOIN " table " " alias " ON " alias \
  ".id = n.item_id "                                                         \
  "WHERE n.user_id = ?1 AND n.kind = '" kind                                 \
  "' AND n.starred_at_ms > 0 ORDER BY n.starred_at_ms DESC, "                \
  "n.item_id LIMIT ?2"

template <class T, class ReadRow>
Result<std::vector<T>> run_list(Db& db, const char* sql, std::string_view text, int64_t limit, int64_t offset,
                                bool search, ReadRow read_row) {
  if (limit == 0) return std::vector<T>();
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  if (search) {
    stmt.bind(1, text).bind(2, limit).bind(3, kRankedMatchesMax).bind(4, offset);
  } else {
    stmt.bind(1, limit).bind(2, offset);
  }
  return read_all<T>(stmt, read_row);
}

// As the statements of search.cpp, with an OFFSET (?4) in the ranked list.
constexpr const char* kTrackSearchSql =
    "SELECT " DISPOTIFY_TRACK_COLUMNS
    " FROM (SELECT rowid AS match_rowid, score FROM ("
    "  SELECT rowid, bm25(tracks_fts, 10.0, 5.0, 3.0, 2.0, 1.0) AS score FROM tracks_fts"
    "  WHERE tracks_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
    " ORDER BY score, rowid LIMIT ?2 OFFSET ?4) m "
    "JOIN tracks t ON t.rowid = m.match_rowid ORDER BY m.score, t.rowid";
constexpr const char* kAlbumSearchSql = "SELECT " DISPOTIFY_ALBUM_COLUMNS
                                        " FROM (SELECT rowid AS match_rowid, score FROM ("
                                        "  SELECT rowid, bm25(albums_fts, 10.0, 5.0) AS score FROM albums_fts"
                                        "  WHERE albums_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
                                        " ORDER BY score, rowid LIMIT ?2 OFFSET ?4) m "
                                        "JOIN albums a ON a.rowid = m.match_rowid ORDER BY m.score, a.rowid";
constexpr const char* kArtistSearchSql =
    "SELECT " DISPOTIFY_ARTIST_COLUMNS
    " FROM (SELECT rowid AS match_rowid, score FROM ("
    "  SELECT rowid, bm25(artists_fts) AS score FROM artists_fts"
    "  WHERE artists_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
    " ORDER BY score, rowid LIMIT ?2 OFFSET ?4) m "
    "JOIN artists r ON r.rowid = m.match_rowid ORDER BY m.score, r.rowid";

}  // namespace

Result<std::optional<std::string>> subsonic_password_sealed(const Catalog& catalog,
                                                            std::string_view user_id) {
  std::optional<std::string> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("SELECT sealed_hex FROM subsonic_passwords WHERE user_id = ?1"));
    stmt.bind(1, user_id);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (row) out = stmt.column_string(0);
    return ok_status();
  }));
  return out;
}

Result<std::unordered_map<std::string, Annotation>> annotations(const Catalog& catalog,
                                                                std::string_view user_id,
                                                                std::string_view kind,
                                                                const std::vector<std::string>& ids) {
  std::unordered_map<std::string, Annotation> out;
  if (ids.empty()) return out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached(
            "SELECT item_id, starred_at_ms, rating, play_count, played_at_ms FROM annotations "
            "WHERE user_id = ?1 AND kind = ?2 AND item_id IN (SELECT value FROM json_each(?3))"));
    stmt.bind(1, user_id).bind(2, kind).bind(3, json_list(ids));
    for (;;) {
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return ok_status();
      out[stmt.column_string(0)] =
          Annotation{stmt.column_int64(1), stmt.column_int(2), stmt.column_int64(3), stmt.column_int64(4)};
    }
  }));
  return out;
}

Result<Starred> starred(const Catalog& catalog, std::string_view user_id) {
  Starred out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    {
      DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(DISPOTIFY_STARRED_SQL(
                                                     "tracks", "t", DISPOTIFY_TRACK_COLUMNS, "track")));
      stmt.bind(1, user_id).bind(2, kWholeListMax);
      DISPOTIFY_ASSIGN_OR_RETURN(out.tracks, read_all<Track>(stmt, read_track));
    }
    {
      DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(DISPOTIFY_STARRED_SQL(
                                                     "albums", "a", DISPOTIFY_ALBUM_COLUMNS, "album")));
      stmt.bind(1, user_id).bind(2, kWholeListMax);
      DISPOTIFY_ASSIGN_OR_RETURN(out.albums, read_all<Album>(stmt, read_album));
    }
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(DISPOTIFY_STARRED_SQL(
                                                   "artists", "r", DISPOTIFY_ARTIST_COLUMNS, "artist")));
    stmt.bind(1, user_id).bind(2, kWholeListMax);
    DISPOTIFY_ASSIGN_OR_RETURN(out.artists, read_all<Artist>(stmt, read_artist));
    return ok_status();
  }));
  return out;
}

Result<std::optional<PlayQueue>> play_queue(const Catalog& catalog, std::string_view user_id) {
  std::optional<PlayQueue> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement row_stmt, db.prepare_cached("SELECT track_ids_json, current_id, position_ms, changed_by, "
                                              "changed_at_ms FROM play_queues WHERE user_id = ?1"));
    row_stmt.bind(1, user_id);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, row_stmt.step());
    if (!row) return ok_status();
    PlayQueue queue;
    const std::string ids = row_stmt.column_string(0);
    queue.current_id = row_stmt.column_string(1);
    queue.position_ms = row_stmt.column_int64(2);
    queue.changed_by = row_stmt.column_string(3);
    queue.changed_at_ms = row_stmt.column_int64(4);
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM json_each(?1) j "
                                                 "JOIN tracks t ON t.id = j.value ORDER BY j.key"));
    stmt.bind(1, ids);
    DISPOTIFY_ASSIGN_OR_RETURN(queue.tracks, read_all<Track>(stmt, read_track));
    out = std::move(queue);
    return ok_status();
  }));
  return out;
}

Result<std::vector<Album>> album_list(const Catalog& catalog, const AlbumListQuery2& query) {
  if (query.limit < 1 || query.limit > kListLimitMax) {
    return make_error(Errc::invalid_argument, "size must be 1..500");
  }
  DISPOTIFY_TRY(check_limit(query.offset, query.limit));
  const AlbumListSql list = album_list_sql(query);
  std::vector<Album> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(list.sql));
    stmt.bind(1, query.limit).bind(2, query.offset);
    if (list.user) stmt.bind(3, query.user_id);
    if (list.years) stmt.bind(4, query.from_year).bind(5, query.to_year);
    if (list.genre) stmt.bind(6, query.genre);
    DISPOTIFY_ASSIGN_OR_RETURN(out, read_all<Album>(stmt, read_album));
    return ok_status();
  }));
  return out;
}

Result<std::vector<Track>> random_tracks(const Catalog& catalog, int64_t limit, std::string_view genre,
                                         int from_year, int to_year) {
  DISPOTIFY_TRY(check_limit(0, limit));
  std::vector<Track> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE (?2 = '' OR t.genre = ?2 "
                          "COLLATE NOCASE) AND (?3 = 0 OR t.year >= ?3) AND (?4 = 0 OR t.year <= ?4) "
                          "ORDER BY random() LIMIT ?1"));
    stmt.bind(1, limit).bind(2, genre).bind(3, from_year).bind(4, to_year);
    DISPOTIFY_ASSIGN_OR_RETURN(out, read_all<Track>(stmt, read_track));
    return ok_status();
  }));
  return out;
}

Result<std::vector<Genre>> genres(const Catalog& catalog) {
  std::vector<Genre> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT genre, count(*), count(DISTINCT album_id) FROM tracks WHERE genre != '' "
                          "GROUP BY genre ORDER BY genre COLLATE NOCASE, genre LIMIT ?1"));
    stmt.bind(1, kWholeListMax);
    for (;;) {
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return ok_status();
      out.push_back(Genre{stmt.column_string(0), stmt.column_int64(1), stmt.column_int64(2)});
    }
  }));
  return out;
}

Result<std::vector<Track>> tracks_by_genre(const Catalog& catalog, std::string_view genre, int64_t offset,
                                           int64_t limit) {
  DISPOTIFY_TRY(check_limit(offset, limit));
  std::vector<Track> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS
                          " FROM tracks t WHERE t.genre = ?3 COLLATE NOCASE "
                          "ORDER BY t.album COLLATE NOCASE, t.disc_number, t.track_number, t.id "
                          "LIMIT ?1 OFFSET ?2"));
    stmt.bind(1, limit).bind(2, offset).bind(3, genre);
    DISPOTIFY_ASSIGN_OR_RETURN(out, read_all<Track>(stmt, read_track));
    return ok_status();
  }));
  return out;
}

Result<std::vector<Artist>> album_artists(const Catalog& catalog) {
  std::vector<Artist> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_ARTIST_COLUMNS " FROM artists r WHERE r.album_count "
                          "> 0 ORDER BY r.name COLLATE NOCASE, r.id LIMIT ?1"));
    stmt.bind(1, kWholeListMax);
    DISPOTIFY_ASSIGN_OR_RETURN(out, read_all<Artist>(stmt, read_artist));
    return ok_status();
  }));
  return out;
}

Result<SearchResult> search_paged(const Catalog& catalog, std::string_view text, const SearchPage& page) {
  DISPOTIFY_TRY(check_limit(page.artist_offset, page.artist_count));
  DISPOTIFY_TRY(check_limit(page.album_offset, page.album_count));
  DISPOTIFY_TRY(check_limit(page.track_offset, page.track_count));
  const bool everything = text.find_first_not_of(" \t\"") == std::string_view::npos;
  const std::string match = everything ? std::string() : fts_match_expression(text);
  SearchResult out;
  if (!everything && match.empty()) return out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    if (everything) {
      DISPOTIFY_ASSIGN_OR_RETURN(
          out.artists,
          run_list<Artist>(db,
                           "SELECT " DISPOTIFY_ARTIST_COLUMNS
                           " FROM artists r ORDER BY r.name COLLATE NOCASE, r.id LIMIT ?1 OFFSET ?2",
                           "", page.artist_count, page.artist_offset, false, read_artist));
      DISPOTIFY_ASSIGN_OR_RETURN(
          out.albums,
          run_list<Album>(db,
                          "SELECT " DISPOTIFY_ALBUM_COLUMNS
                          " FROM albums a ORDER BY a.title COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2",
                          "", page.album_count, page.album_offset, false, read_album));
      DISPOTIFY_ASSIGN_OR_RETURN(
          out.tracks,
          run_list<Track>(db,
                          "SELECT " DISPOTIFY_TRACK_COLUMNS
                          " FROM tracks t ORDER BY t.title COLLATE NOCASE, t.id LIMIT ?1 OFFSET ?2",
                          "", page.track_count, page.track_offset, false, read_track));
      return ok_status();
    }
    DISPOTIFY_ASSIGN_OR_RETURN(out.artists, run_list<Artist>(db, kArtistSearchSql, match, page.artist_count,
                                                             page.artist_offset, true, read_artist));
    DISPOTIFY_ASSIGN_OR_RETURN(out.albums, run_list<Album>(db, kAlbumSearchSql, match, page.album_count,
                                                           page.album_offset, true, read_album));
    DISPOTIFY_ASSIGN_OR_RETURN(out.tracks, run_list<Track>(db, kTrackSearchSql, match, page.track_count,
                                                           page.track_offset, true, read_track));
    return ok_status();
  }));
  return out;
}

Result<std::optional<Track>> track_with_lyrics(const Catalog& catalog, std::string_view artist,
                                               std::string_view title) {
  std::optional<Track> out;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached(
            "SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE t.title = ?1 COLLATE NOCASE "
            "AND (?2 = '' OR t.artist = ?2 COLLATE NOCASE OR t.album_artist = ?2 COLLATE NOCASE "
            "OR EXISTS (SELECT 1 FROM track_artists ta JOIN artists r ON r.id = ta.artist_id "
            "WHERE ta.track_id = t.id AND r.name = ?2 COLLATE NOCASE)) "
            "AND t.lyrics != '' ORDER BY t.id LIMIT 1"));
    stmt.bind(1, title).bind(2, artist);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (row) out = read_track(stmt, 0);
    return ok_status();
  }));
  return out;
}

}  // namespace dispotify::catalog
