#include "cli/open_files_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace dispotify::cli {
namespace {

// A soft limit below the hard one is raised to it; the hard one stays.
TEST(OpenFilesLimit, RaisesTheSoftLimitToTheHardOne) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max < 64) GTEST_SKIP() << "hard limit too low to lower the soft one";
  rlimit lowered{saved.rlim_max / 2, saved.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  auto raised = raise_open_files_limit();
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_TRUE(raised.ok()) << raised.error().message;
  EXPECT_EQ(raised->before, saved.rlim_max / 2);
  EXPECT_EQ(raised->now, saved.rlim_max);
  EXPECT_EQ(now.rlim_cur, saved.rlim_max);
  EXPECT_EQ(now.rlim_max, saved.rlim_max);
}

}  // namespace
}  // namespace dispotify::cli
