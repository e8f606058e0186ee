#include "cli/cluster_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/fs.h"
#include "base/test_dir.h"

namespace dispotify::cli {
namespace {

int mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<int>(st.st_mode & 0777);
}

TEST(ClusterKey, CreatedOnceWithPrivateModesThenReadBack) {
  TestDir dir;
  auto first = load_or_create_cluster_key(dir.path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(mode_of(cluster_key_path(dir.path())), 0600);
  EXPECT_EQ(mode_of(dir.path() + "/cluster"), 0700);
  auto second = load_or_create_cluster_key(dir.path());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->view(), second->view());
  // A box sealed before a restart opens after it.
  EXPECT_EQ(*open_sealed(*second, *seal(*first, "x")), "x");
}

TEST(ClusterKey, WrongSizeOrOpenModeIsRefused) {
  TestDir dir;
  ASSERT_TRUE(load_or_create_cluster_key(dir.path()).ok());
  const std::string path = cluster_key_path(dir.path());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_FALSE(load_or_create_cluster_key(dir.path()).ok());
  ASSERT_TRUE(fs::write_file_atomic(path, "too short", 0600).ok());
  auto short_key = load_or_create_cluster_key(dir.path());
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, Errc::corrupt);
}

}  // namespace
}  // namespace dispotify::cli
