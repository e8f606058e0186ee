// The state behind Catalog, shared by catalog.cpp and the query files.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "catalog/checkpointer.h"
#include "catalog/reader_pool.h"
#include "catalog/sqlite_db.h"
#include "catalog/transaction.h"

namespace dispotify::catalog {

// Limits of list queries (catalog.h).
inline constexpr int64_t kPageLimitMax = 500;

struct Catalog::Impl {
  Impl(std::string path, std::unique_ptr<Db> writer_db, uint64_t index, size_t readers_idle_max)
      : writer(std::move(writer_db)), applied_index(index), readers(std::move(path), readers_idle_max) {}

  std::mutex write_mutex;
  std::unique_ptr<Db> writer;  // guarded by write_mutex
  // Written under write_mutex after each commit; read without the lock.
  std::atomic<uint64_t> applied_index;
  std::atomic<uint64_t> auth_epoch{0};  // see Catalog::auth_epoch
  ReaderPool readers;
  // After `writer`: stopped (and its hook removed) before the writer closes.
  std::unique_ptr<Checkpointer> checkpointer;

  // Runs `body(Db&)` on a read connection inside one read transaction, so
  // all its SELECTs see the same committed state.
  template <class Body>
  auto read(Body&& body) -> decltype(body(std::declval<Db&>())) {
    DISPOTIFY_ASSIGN_OR_RETURN(ReaderPool::Lease lease, readers.acquire());
    DISPOTIFY_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(lease.db(), TransactionKind::read));
    return body(lease.db());  // the guard ends the read transaction
  }
};

// The row counts kept by the schema's triggers.
[[nodiscard]] Result<Counts> read_counts(Db& db);

// invalid_argument unless 1 <= limit <= kPageLimitMax and offset >= 0.
[[nodiscard]] Status check_page(int64_t offset, int64_t limit);

}  // namespace dispotify::catalog
