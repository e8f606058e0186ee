#include "catalog/sqlite_db.h"

namespace dispotify::catalog {
namespace {

// Long enough to ride out a checkpoint or a migration by another process;
// readers in WAL mode never wait for the writer.
constexpr int kBusyTimeoutMs = 5000;
// Page cache per connection, in KiB (negative in the pragma means KiB).
// Reads come mostly through mmap (below), so a small private cache keeps
// the resident size low with one connection per worker thread.
constexpr int kCacheKib = 2048;
// Memory-mapped reads: pages come from the shared OS page cache instead of
// a pread() into each connection's private cache, which WAL mode empties
// whenever another connection commits. Only address space is reserved.
constexpr int64_t kMmapBytes = int64_t{1} << 30;
// Cached statements per connection: the catalog uses a fixed set of SQL texts.
constexpr size_t kStatementCacheMax = 256;

}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string message = "sqlite: ";
  message += sqlite3_errstr(rc);
  if (db != nullptr) {
    message += ": ";
    message += sqlite3_errmsg(db);
  }
  message += " (";
  message += what;
  message += ")";
  return make_error(Errc::io_error, std::move(message));
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, const DbOptions& options) {
  sqlite3* handle = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.role == DbRole::writer) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(handle, rc, "open " + path);
    sqlite3_close(handle);  // open allocates a handle even on failure
    return error;
  }
  std::unique_ptr<Db> db(new Db(handle));
  sqlite3_extended_result_codes(handle, 1);
  DISPOTIFY_TRY(db->apply_pragmas(options));
  return db;
}

Status Db::apply_pragmas(const DbOptions& options) {
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  DISPOTIFY_TRY(exec("PRAGMA cache_size = -" + std::to_string(kCacheKib)));
  DISPOTIFY_TRY(exec("PRAGMA mmap_size = " + std::to_string(kMmapBytes)));
  if (options.role == DbRole::reader) return exec("PRAGMA query_only = ON");
  DISPOTIFY_TRY(exec("PRAGMA journal_mode = WAL"));
  static constexpr const char* kSynchronous[] = {"PRAGMA synchronous = FULL", "PRAGMA synchronous = NORMAL",
                                                 "PRAGMA synchronous = OFF"};
  DISPOTIFY_TRY(exec(kSynchronous[static_cast<int>(options.sync)]));
  return exec("PRAGMA foreign_keys = ON");
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  // sqlite3_close_v2 defers the close if a statement is still alive, which
  // would be a bug in this class, not a reason to leak the handle.
  sqlite3_close_v2(db_);
}

Status Db::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return ok_status();
  std::string what = message != nullptr ? message : text;
  sqlite3_free(message);
  return sqlite_error(db_, rc, what);
}

Result<Statement> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
  DISPOTIFY_CHECK_MSG(stmt != nullptr, sql);  // empty SQL is a bug
  return Statement(stmt, /*owned=*/true);
}

Status Db::exec_cached(std::string_view sql) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, prepare_cached(sql));
  return stmt.run();
}

Result<Statement> Db::prepare_cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    // Two live handles on one cached statement would step over each other.
    DISPOTIFY_CHECK_MSG(!sqlite3_stmt_busy(it->second), sql);
    return Statement(it->second, /*owned=*/false);
  }
  if (cache_.size() >= kStatementCacheMax) return prepare(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
  DISPOTIFY_CHECK_MSG(stmt != nullptr, sql);
  cache_.emplace(std::string(sql), stmt);
  return Statement(stmt, /*owned=*/false);
}

int64_t Db::changes() const { return sqlite3_changes64(db_); }

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace dispotify::catalog
