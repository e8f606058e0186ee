// Transaction guard: BEGIN on construction (through begin()), ROLLBACK on
// destruction unless commit() succeeded.
#pragma once

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

enum class TransactionKind {
  read,   // BEGIN DEFERRED: a consistent snapshot for several SELECTs
  write,  // BEGIN IMMEDIATE: takes the write lock up front, so no upgrade deadlock
};

class Transaction {
 public:
  [[nodiscard]] static Result<Transaction> begin(Db& db, TransactionKind kind);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) { other.open_ = false; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] Status commit();

 private:
  explicit Transaction(Db& db) : db_(&db), open_(true) {}
  Db* db_;
  bool open_;
};

}  // namespace dispotify::catalog
