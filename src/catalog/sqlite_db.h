// A SQLite connection (RAII) with a cache of prepared statements.
//
// Thread-safety: a Db is used by one thread at a time (it is opened with
// SQLITE_OPEN_NOMUTEX); the catalog guards the writer with a mutex and hands
// each reader its own connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "catalog/statement.h"
#include "catalog/sync_mode.h"

namespace dispotify::catalog {

enum class DbRole { writer, reader };

struct DbOptions {
  DbRole role = DbRole::writer;
  SyncMode sync = SyncMode::full;
};

class Db {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Db>> open(const std::string& path, const DbOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements that return no rows.
  [[nodiscard]] Status exec(std::string_view sql);
  // One statement that returns no rows, prepared once per connection and
  // kept in the cache: for the transaction control on every read and write
  // (BEGIN, COMMIT, ROLLBACK, SAVEPOINT), which exec() would parse each time.
  // The SQL must be a constant text.
  [[nodiscard]] Status exec_cached(std::string_view sql);
  // A statement owned by the caller, finalized when it goes out of scope.
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  // A statement from this connection's cache: reset and unbound when the
  // returned handle goes out of scope. The SQL must be a constant text.
  [[nodiscard]] Result<Statement> prepare_cached(std::string_view sql);

  int64_t changes() const;
  int64_t last_insert_rowid() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  Status apply_pragmas(const DbOptions& options);

  sqlite3* db_;
  // Looked up by string_view, without building a std::string per lookup.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

// Maps a SQLite result code to an Error: every failure of the database
// itself is an io_error (apply() then records nothing), whatever the cause.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

}  // namespace dispotify::catalog
