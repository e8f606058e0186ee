#include "catalog/transaction.h"

namespace dispotify::catalog {

Result<Transaction> Transaction::begin(Db& db, TransactionKind kind) {
  DISPOTIFY_CHECK(sqlite3_get_autocommit(db.handle()) != 0);  // no nesting
  DISPOTIFY_TRY(db.exec_cached(kind == TransactionKind::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  return Transaction(db);
}

Transaction::~Transaction() {
  if (!open_) return;
  // A failed ROLLBACK leaves SQLite to roll back on its own (the statement
  // that failed already did, or the connection closes); nothing to report.
  if (sqlite3_get_autocommit(db_->handle()) == 0) (void)db_->exec_cached("ROLLBACK");
}

Status Transaction::commit() {
  DISPOTIFY_CHECK(open_);
  Status status = db_->exec_cached("COMMIT");
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace dispotify::catalog
