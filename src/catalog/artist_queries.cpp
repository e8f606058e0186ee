// Artist listings and artist pages.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

// An artist page lists appearances on other artists' albums; a prolific
// guest gets the first ones only.
constexpr int64_t kArtistAppearancesMax = 1000;

Result<std::vector<Album>> albums_of(Db& db, std::string_view artist_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("SELECT " DISPOTIFY_ALBUM_COLUMNS " FROM albums a WHERE a.artist_id = ?1 "
                        "ORDER BY a.year, a.title COLLATE NOCASE, a.id"));
  stmt.bind(1, artist_id);
  return read_all<Album>(stmt, read_album);
}

Result<std::vector<Track>> appearances_of(Db& db, std::string_view artist_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("SELECT " DISPOTIFY_TRACK_COLUMNS " FROM track_artists ta "
                        "JOIN tracks t ON t.id = ta.track_id JOIN albums a ON a.id = t.album_id "
                        "WHERE ta.artist_id = ?1 AND a.artist_id != ?1 "
                        "ORDER BY t.album COLLATE NOCASE, t.disc_number, t.track_number, t.id LIMIT ?2"));
  stmt.bind(1, artist_id).bind(2, kArtistAppearancesMax);
  return read_all<Track>(stmt, read_track);
}

}  // namespace

Result<Page<Artist>> Catalog::artists(const ArtistListQuery& query) const {
  DISPOTIFY_TRY(check_page(query.offset, query.limit));
  return impl_->read([&](Db& db) -> Result<Page<Artist>> {
    Page<Artist> page;
    DISPOTIFY_ASSIGN_OR_RETURN(Counts counts, read_counts(db));
    page.total = counts.artists;
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT " DISPOTIFY_ARTIST_COLUMNS " FROM artists r "
                                                 "ORDER BY r.name COLLATE NOCASE, r.id LIMIT ?1 OFFSET ?2"));
    stmt.bind(1, query.limit).bind(2, query.offset);
    DISPOTIFY_ASSIGN_OR_RETURN(page.items, read_all<Artist>(stmt, read_artist));
    return page;
  });
}

Result<std::optional<ArtistDetail>> Catalog::artist(std::string_view id) const {
  return impl_->read([&](Db& db) -> Result<std::optional<ArtistDetail>> {
    ArtistDetail detail;
    {
      DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_ARTIST_COLUMNS
                                                                   " FROM artists r WHERE r.id = ?1"));
      stmt.bind(1, id);
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return std::optional<ArtistDetail>();
      detail.artist = read_artist(stmt, 0);
    }
    DISPOTIFY_ASSIGN_OR_RETURN(detail.albums, albums_of(db, id));
    DISPOTIFY_ASSIGN_OR_RETURN(detail.tracks, appearances_of(db, id));
    DISPOTIFY_CHECK(detail.albums.size() == static_cast<size_t>(detail.artist.album_count));
    return std::optional<ArtistDetail>(std::move(detail));
  });
}

}  // namespace dispotify::catalog
