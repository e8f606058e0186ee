// WAL checkpoints off the writer's path.
//
// SQLite checkpoints by itself inside the commit that takes the WAL past
// 1,000 pages: that commit copies the pages into the database file and
// fsyncs it. In a cluster that commit runs on the Raft runner (which
// applies entries), so the runner stops stepping, sending and answering
// for as long. Here the writer's commit only signals (sqlite3_wal_hook) and
// a thread of its own runs PASSIVE checkpoints on a connection of its own,
// which neither the writer nor the readers wait for. Should the WAL still
// grow past kInlineCheckpointPages (the thread cannot keep up, or readers
// hold it back), the writer checkpoints inline as SQLite would.
//
// Thread-safety: the hook runs on the writer's thread; everything else is
// internal.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

class Checkpointer {
 public:
  // WAL pages after a commit that wake the thread (SQLite's own threshold).
  static constexpr int kCheckpointPages = 1000;
  // WAL pages beyond which the committing writer checkpoints itself.
  static constexpr int kInlineCheckpointPages = 16 * kCheckpointPages;

  // Opens a connection to `path` for checkpoints, starts the thread and
  // takes over `writer`'s WAL hook (SQLite's automatic checkpoints stop).
  // `writer` must outlive the Checkpointer.
  [[nodiscard]] static Result<std::unique_ptr<Checkpointer>> start(const std::string& path, Db& writer);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoints run by the thread so far.
  uint64_t background_checkpoints() const { return background_.load(); }

 private:
  Checkpointer(std::unique_ptr<Db> own, Db& writer);
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();

  std::unique_ptr<Db> own_;  // the thread's connection
  Db& writer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;    // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::atomic<uint64_t> background_{0};
  std::thread thread_;
};

}  // namespace dispotify::catalog
