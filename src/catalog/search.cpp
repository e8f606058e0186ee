// Full-text search over tracks, albums and artists (FTS5, bm25 ranking).
//
// Each kind is one query that starts from the FTS index, ranks the matches
// with bm25 (the title weighs most) and joins the best to their records by
// rowid. The cost is bounded by kRankedMatchesMax, not by the library size.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"
#include "catalog/search_query.h"

namespace dispotify::catalog {
namespace {

// Each query ranks at most kRankedMatchesMax matches, the newest (highest
// rowid) first: bm25 costs about a microsecond per match, so a one- or
// two-letter prefix that matches half the library would otherwise cost tens
// of milliseconds. Queries with fewer matches (nearly all typed words) are
// ranked exactly. Only the best `limit` are then joined to their records;
// ties in rank go to the name, then the id (within the top `limit`, which
// itself breaks ties at its edge by rowid).
constexpr int64_t kRankedMatchesMax = 500;

// bm25 weights, by FTS column: title, artist, album, album_artist, genre.
constexpr const char* kTrackSearchSql =
    "SELECT " DISPOTIFY_TRACK_COLUMNS
    " FROM ("
    "  SELECT rowid AS match_rowid, score FROM ("
    "    SELECT rowid, bm25(tracks_fts, 10.0, 5.0, 3.0, 2.0, 1.0) AS score FROM tracks_fts"
    "    WHERE tracks_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
    "  ORDER BY score, rowid LIMIT ?2) m "
    "JOIN tracks t ON t.rowid = m.match_rowid ORDER BY m.score, t.title COLLATE NOCASE, t.id";
// title, album_artist
constexpr const char* kAlbumSearchSql =
    "SELECT " DISPOTIFY_ALBUM_COLUMNS
    " FROM ("
    "  SELECT rowid AS match_rowid, score FROM ("
    "    SELECT rowid, bm25(albums_fts, 10.0, 5.0) AS score FROM albums_fts"
    "    WHERE albums_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
    "  ORDER BY score, rowid LIMIT ?2) m "
    "JOIN albums a ON a.rowid = m.match_rowid ORDER BY m.score, a.title COLLATE NOCASE, a.id";
constexpr const char* kArtistSearchSql =
    "SELECT " DISPOTIFY_ARTIST_COLUMNS
    " FROM ("
    "  SELECT rowid AS match_rowid, score FROM ("
    "    SELECT rowid, bm25(artists_fts) AS score FROM artists_fts"
    "    WHERE artists_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
    "  ORDER BY score, rowid LIMIT ?2) m "
    "JOIN artists r ON r.rowid = m.match_rowid ORDER BY m.score, r.name COLLATE NOCASE, r.id";

template <class T, class ReadRow>
Result<std::vector<T>> search_kind(Db& db, const char* sql, const std::string& match, int64_t limit,
                                   ReadRow read_row) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, match).bind(2, limit).bind(3, kRankedMatchesMax);
  return read_all<T>(stmt, read_row);
}

}  // namespace

Result<SearchResult> Catalog::search(std::string_view text, int64_t limit_per_kind) const {
  DISPOTIFY_TRY(check_page(0, limit_per_kind));
  std::string match = fts_match_expression(text);
  if (match.empty()) return SearchResult{};
  return impl_->read([&](Db& db) -> Result<SearchResult> {
    SearchResult result;
    DISPOTIFY_ASSIGN_OR_RETURN(result.tracks,
                               search_kind<Track>(db, kTrackSearchSql, match, limit_per_kind, read_track));
    DISPOTIFY_ASSIGN_OR_RETURN(result.albums,
                               search_kind<Album>(db, kAlbumSearchSql, match, limit_per_kind, read_album));
    DISPOTIFY_ASSIGN_OR_RETURN(result.artists,
                               search_kind<Artist>(db, kArtistSearchSql, match, limit_per_kind, read_artist));
    return result;
  });
}

}  // namespace dispotify::catalog
