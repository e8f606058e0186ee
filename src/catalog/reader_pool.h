// Read connections for queries: each concurrent query gets a connection of
// its own, so readers never wait for each other or for the writer (WAL).
//
// Opening a connection is expensive (open, mmap, parsing the schema, then
// preparing every statement again): 150 us of CPU per request in a read
// benchmark when 64 workers shared 8 kept connections. So the pool keeps as
// many as there can be concurrent readers (the server's threads).
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

  // Keeps up to idle_max connections open between queries; more concurrent
  // queries open extra connections that are closed when returned.
  ReaderPool(std::string path, size_t idle_max) : path_(std::move(path)), idle_max_(idle_max) {}

  // The pool must outlive every lease.
  [[nodiscard]] Result<Lease> acquire();
  // Connections open and waiting for a query.
  size_t idle() const;

 private:
  void release(std::unique_ptr<Db> db);

  const std::string path_;
  const size_t idle_max_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Db>> idle_;  // guarded by mutex_
};

}  // namespace dispotify::catalog
