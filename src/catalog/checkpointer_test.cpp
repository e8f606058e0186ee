#include "catalog/checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "catalog/test_util.h"

namespace dispotify::catalog {
namespace {

// Commits that take the WAL past the threshold wake the thread, which
// checkpoints through its own connection; the data is all there after.
TEST(Checkpointer, CheckpointsOnItsOwnThreadOnceTheWalPassesItsThreshold) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto writer = Db::open(path, DbOptions{.role = DbRole::writer});
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  ASSERT_TRUE((*writer)->exec("CREATE TABLE t (x BLOB)").ok());
  auto checkpointer = Checkpointer::start(path, **writer);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message;
  // About 5 pages a commit: the WAL passes 1,000 pages after ~200.
  constexpr int kCommits = 400;
  for (int i = 0; i < kCommits; ++i) {
    ASSERT_TRUE((*writer)->exec("INSERT INTO t VALUES (randomblob(16000))").ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*checkpointer)->background_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT((*checkpointer)->background_checkpoints(), 0U);
  checkpointer->reset();  // its hook is removed before the writer goes on
  ASSERT_TRUE((*writer)->exec("INSERT INTO t VALUES (1)").ok());
  auto reader = Db::open(path, DbOptions{.role = DbRole::reader});
  ASSERT_TRUE(reader.ok());
  auto count = (*reader)->prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  auto row = count->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(count->column_int(0), kCommits + 1);
}

}  // namespace
}  // namespace dispotify::catalog
