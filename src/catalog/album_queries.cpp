// Album listings and album pages.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"
#include "catalog/sort_orders.h"

namespace dispotify::catalog {

Result<Page<Album>> Catalog::albums(const AlbumListQuery& query) const {
  DISPOTIFY_TRY(check_page(query.offset, query.limit));
  std::optional<std::string> order_by = album_order_by(query.sort, query.order);
  if (!order_by) return make_error(Errc::invalid_argument, "unknown album sort '" + query.sort + "'");
  std::string sql =
      "SELECT " DISPOTIFY_ALBUM_COLUMNS " FROM albums a ORDER BY " + *order_by + " LIMIT ?1 OFFSET ?2";
  return impl_->read([&](Db& db) -> Result<Page<Album>> {
    Page<Album> page;
    DISPOTIFY_ASSIGN_OR_RETURN(Counts counts, read_counts(db));
    page.total = counts.albums;
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
    stmt.bind(1, query.limit).bind(2, query.offset);
    DISPOTIFY_ASSIGN_OR_RETURN(page.items, read_all<Album>(stmt, read_album));
    return page;
  });
}

Result<std::optional<AlbumDetail>> Catalog::album(std::string_view id) const {
  return impl_->read([&](Db& db) -> Result<std::optional<AlbumDetail>> {
    AlbumDetail detail;
    {
      DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_ALBUM_COLUMNS
                                                                   " FROM albums a WHERE a.id = ?1"));
      stmt.bind(1, id);
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return std::optional<AlbumDetail>();
      detail.album = read_album(stmt, 0);
    }
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM tracks t WHERE t.album_id = ?1 "
                          "ORDER BY t.disc_number, t.track_number, t.title COLLATE NOCASE, t.id"));
    stmt.bind(1, id);
    DISPOTIFY_ASSIGN_OR_RETURN(detail.tracks, read_all<Track>(stmt, read_track));
    DISPOTIFY_CHECK(detail.tracks.size() == static_cast<size_t>(detail.album.track_count));
    return std::optional<AlbumDetail>(std::move(detail));
  });
}

}  // namespace dispotify::catalog
