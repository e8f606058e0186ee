// Track lookups and listings, blob references and counts.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"
#include "catalog/sort_orders.h"

namespace dispotify::catalog {
namespace {

Result<std::optional<Track>> one_track(Db& db, const char* sql, std::string_view key) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, key);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Track>();
  return std::optional<Track>(read_track(stmt, 0));
}

}  // namespace

Result<Counts> read_counts(Db& db) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("SELECT tracks, albums, artists, users, playlists, track_bytes FROM counts"));
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return make_error(Errc::corrupt, "catalog counts row is missing");
  Counts counts{stmt.column_int64(0), stmt.column_int64(1), stmt.column_int64(2),
                stmt.column_int64(3), stmt.column_int64(4), stmt.column_int64(5)};
  DISPOTIFY_CHECK(counts.tracks >= 0 && counts.albums >= 0 && counts.artists >= 0 && counts.users >= 0 &&
                  counts.playlists >= 0 && counts.track_bytes >= 0);
  return counts;
}

Result<std::optional<Track>> Catalog::track(std::string_view id) const {
  return impl_->read([&](Db& db) {
    return one_track(db, "SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE t.id = ?1", id);
  });
}

Result<std::optional<Track>> Catalog::track_by_hash(std::string_view content_hash) const {
  return impl_->read([&](Db& db) {
    return one_track(db, "SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE t.content_hash = ?1",
                     content_hash);
  });
}

Result<Page<Track>> Catalog::tracks(const TrackListQuery& query) const {
  DISPOTIFY_TRY(check_page(query.offset, query.limit));
  std::optional<std::string> order_by = track_order_by(query.sort, query.order);
  if (!order_by) return make_error(Errc::invalid_argument, "unknown track sort '" + query.sort + "'");
  std::string sql =
      "SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t ORDER BY " + *order_by + " LIMIT ?1 OFFSET ?2";
  return impl_->read([&](Db& db) -> Result<Page<Track>> {
    Page<Track> page;
    DISPOTIFY_ASSIGN_OR_RETURN(Counts counts, read_counts(db));
    page.total = counts.tracks;
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
    stmt.bind(1, query.limit).bind(2, query.offset);
    DISPOTIFY_ASSIGN_OR_RETURN(page.items, read_all<Track>(stmt, read_track));
    return page;
  });
}

Result<bool> Catalog::blob_referenced(std::string_view hash) const {
  if (hash.empty()) return false;  // "" is the cover_hash of tracks without one
  return impl_->read([&](Db& db) -> Result<bool> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("SELECT EXISTS (SELECT 1 FROM tracks WHERE content_hash = ?1) OR "
                                          "EXISTS (SELECT 1 FROM tracks WHERE cover_hash = ?1)"));
    stmt.bind(1, hash);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    DISPOTIFY_CHECK(row);
    return stmt.column_bool(0);
  });
}

Result<Counts> Catalog::counts() const {
  return impl_->read([&](Db& db) { return read_counts(db); });
}

}  // namespace dispotify::catalog
