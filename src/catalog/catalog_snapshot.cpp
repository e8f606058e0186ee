// Snapshots of the whole catalog, for Raft log compaction and for bringing
// a new or lagging node up to date (DESIGN.md: the catalog is the state
// machine; its snapshot is a SQLite database file).
#include <sqlite3.h>

#include "catalog/catalog.h"
#include "catalog/catalog_impl.h"
#include "catalog/schema.h"

namespace dispotify::catalog {
namespace {

std::string sql_string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

Result<uint64_t> applied_index_of(Db& db) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare("SELECT value FROM meta WHERE key = 'applied_index'"));
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row || stmt.column_int64(0) < 0) return make_error(Errc::corrupt, "snapshot has no applied_index");
  return static_cast<uint64_t>(stmt.column_int64(0));
}

// Copies every page of `from` into `to` in one step (one write transaction
// on `to`), as sqlite3_backup does for online backups.
Status copy_database(sqlite3* from, sqlite3* to, std::string_view what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return sqlite_error(to, sqlite3_errcode(to), what);
  const int step_rc = sqlite3_backup_step(backup, -1);
  const int finish_rc = sqlite3_backup_finish(backup);
  if (step_rc != SQLITE_DONE) return sqlite_error(to, step_rc, what);
  if (finish_rc != SQLITE_OK) return sqlite_error(to, finish_rc, what);
  return ok_status();
}

}  // namespace

Result<uint64_t> Catalog::write_snapshot(const std::string& path) const {
  {
    // VACUUM INTO reads one consistent state and writes a compact copy.
    DISPOTIFY_ASSIGN_OR_RETURN(ReaderPool::Lease lease, impl_->readers.acquire());
    // Readers are query_only, which SQLite extends to VACUUM INTO; the
    // copy writes only the new file, never the catalog.
    DISPOTIFY_TRY(lease.db().exec("PRAGMA query_only = OFF"));
    const Status vacuumed = lease.db().exec("VACUUM INTO " + sql_string_literal(path));
    DISPOTIFY_TRY(lease.db().exec("PRAGMA query_only = ON"));
    DISPOTIFY_TRY(vacuumed);
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::unique_ptr<Db> copy, Db::open(path, DbOptions{.role = DbRole::reader}));
  return applied_index_of(*copy);
}

Result<uint64_t> Catalog::restore_snapshot(const std::string& path) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::unique_ptr<Db> source, Db::open(path, DbOptions{.role = DbRole::reader}));
  DISPOTIFY_ASSIGN_OR_RETURN(uint64_t index, applied_index_of(*source));
  // Checked before the copy: a newer binary's snapshot must not replace
  // this catalog with tables this binary would misread.
  DISPOTIFY_ASSIGN_OR_RETURN(const int source_version, schema_version(*source));
  if (source_version > schema_migrations().back().version) {
    return make_error(Errc::conflict, path + ": catalog schema version " + std::to_string(source_version) +
                                          " is newer than this binary (" +
                                          std::to_string(schema_migrations().back().version) + ")");
  }
  std::lock_guard lock(impl_->write_mutex);
  Db& db = *impl_->writer;
  DISPOTIFY_TRY(copy_database(source->handle(), db.handle(), "restoring the catalog from " + path));
  DISPOTIFY_TRY(migrate(db));  // a snapshot from an older binary
  DISPOTIFY_ASSIGN_OR_RETURN(uint64_t restored, applied_index_of(db));
  DISPOTIFY_CHECK(restored == index);
  impl_->applied_index.store(index, std::memory_order_release);
  impl_->auth_epoch.fetch_add(1, std::memory_order_release);  // anything may have changed
  return index;
}

}  // namespace dispotify::catalog
