#include "catalog/reader_pool.h"

namespace dispotify::catalog {

ReaderPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->release(std::move(db_));
}

Result<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opening happens outside the lock: it touches the file system.
  DISPOTIFY_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::open(path_, DbOptions{.role = DbRole::reader}));
  return Lease(this, std::move(db));
}

void ReaderPool::release(std::unique_ptr<Db> db) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < idle_max_) idle_.push_back(std::move(db));
}

size_t ReaderPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace dispotify::catalog
