#include "catalog/checkpointer.h"

#include "base/log.h"
#include "base/thread_name.h"

namespace dispotify::catalog {

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(const std::string& path, Db& writer) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::unique_ptr<Db> own, Db::open(path, DbOptions{.role = DbRole::reader}));
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(own), writer));
}

Checkpointer::Checkpointer(std::unique_ptr<Db> own, Db& writer) : own_(std::move(own)), writer_(writer) {
  thread_ = std::thread([this] {
    name_this_thread("checkpointer");
    run();
  });
  sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

// On the writer's thread, after a commit, with the write lock released.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* name, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages >= kInlineCheckpointPages) {
    // Not keeping up: bound the WAL here (a busy reader only makes this
    // one partial; SQLite's automatic checkpoint does the same).
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->wanted_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int log_pages = 0;
    int copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied);
    if (rc == SQLITE_OK) {
      background_.fetch_add(1);
    } else if (rc != SQLITE_BUSY) {  // busy: another checkpoint runs; the next commit asks again
      log::warn("catalog checkpoint failed", {{"error", std::string(sqlite3_errstr(rc))}});
    }
  }
}

}  // namespace dispotify::catalog
