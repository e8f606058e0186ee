#include "media/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>

namespace dispotify::media {
namespace {

Result<SubprocessOutput> run(std::vector<std::string> argv, int64_t timeout_ms = 10'000,
                             size_t stdout_bytes_max = 1 << 20) {
  SubprocessSpec spec;
  spec.argv = std::move(argv);
  spec.timeout_ms = timeout_ms;
  spec.stdout_bytes_max = stdout_bytes_max;
  return run_subprocess(spec);
}

TEST(RunSubprocess, CapturesStdoutAndExitCode) {
  Result<SubprocessOutput> out = run({"/bin/echo", "hello", "wörld; $(rm -rf /)"});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(out->succeeded());
  EXPECT_EQ(out->stdout_bytes, "hello wörld; $(rm -rf /)\n");  // no shell: arguments stay literal

  Result<SubprocessOutput> failed = run({"/bin/sh", "-c", "echo oops >&2; exit 3"});
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->succeeded());
  EXPECT_EQ(failed->exit_code, 3);
  EXPECT_EQ(failed->stderr_text, "oops\n");
}

TEST(RunSubprocess, StdinIsEmptyAndOtherDescriptorsAreClosed) {
  Result<SubprocessOutput> cat = run({"/bin/cat"});
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->stdout_bytes, "");
  // The shell lists its own descriptors: only 0, 1 and 2 may be open.
  Result<SubprocessOutput> fds = run({"/bin/sh", "-c", "ls /proc/$$/fd"});
  ASSERT_TRUE(fds.ok());
  EXPECT_EQ(fds->stdout_bytes, "0\n1\n2\n");
}

TEST(RunSubprocess, KillsAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  Result<SubprocessOutput> out = run({"/bin/sleep", "20"}, 300);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, Errc::timeout);
  EXPECT_LT(elapsed, std::chrono::seconds(5));

  // A child that closes its output but keeps running is still bounded.
  Result<SubprocessOutput> quiet = run({"/bin/sh", "-c", "exec >&- 2>&-; sleep 20"}, 300);
  ASSERT_FALSE(quiet.ok());
  EXPECT_EQ(quiet.error().code, Errc::timeout);
}

TEST(RunSubprocess, CapsOutput) {
  Result<SubprocessOutput> out = run({"/usr/bin/yes"}, 10'000, 100'000);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, Errc::too_large);
  // Exactly at the cap is fine.
  Result<SubprocessOutput> exact = run({"/usr/bin/head", "-c", "1000", "/dev/zero"}, 10'000, 1000);
  ASSERT_TRUE(exact.ok()) << exact.error().message;
  EXPECT_EQ(exact->stdout_bytes.size(), 1000u);
}

TEST(RunSubprocess, BoundsStderr) {
  SubprocessSpec spec;
  spec.argv = {"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' e >&2"};
  spec.stderr_bytes_max = 10;
  Result<SubprocessOutput> out = run_subprocess(spec);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(out->succeeded());
  EXPECT_EQ(out->stderr_text, "eeeeeeeeee");
}

TEST(RunSubprocess, RefusesBadSpecs) {
  EXPECT_EQ(run({}).error().code, Errc::invalid_argument);
  EXPECT_EQ(run({"echo", "relative"}).error().code, Errc::invalid_argument);
  EXPECT_EQ(run({"/bin/true"}, 0).error().code, Errc::invalid_argument);
  EXPECT_EQ(run({"/nonexistent/program"}).error().code, Errc::io_error);
}

}  // namespace
}  // namespace dispotify::media
