// Read connections for queries: each concurrent query gets a connection of
// its own, so readers never wait for each other or for the writer (WAL).
//
// Thread-safety: acquire() may be called from any thread; the mutex is held
// only to take or return a connection, never during a query.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

class ReaderPool {
 public:
  // Connections kept open between queries; more concurrent queries open
  // extra connections that are closed when returned.
  static constexpr size_t kIdleConnectionsMax = 8;

  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease();
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    Db& db() { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Db> db_;
  };

  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  // The pool must outlive every lease.
  [[nodiscard]] Result<Lease> acquire();

 private:
  void release(std::unique_ptr<Db> db);

  const std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Db>> idle_;  // guarded by mutex_
};

}  // namespace dispotify::catalog
