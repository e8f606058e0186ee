#include "media/transcode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "base/test_dir.h"
#include "media/process_stream.h"

namespace dispotify::media {
namespace {

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

TEST(Transcode, CommandLineHasNoShellAndClampsTheRate) {
  TranscodeJob job{"/data/blobs/ab/abc", *output_format("opus"), 999, 12, 60'000};
  const auto argv = transcode_argv(job);
  EXPECT_EQ(argv.front(), "/usr/bin/ffmpeg");
  EXPECT_TRUE(has(argv, "file:/data/blobs/ab/abc"));
  EXPECT_TRUE(has(argv, "256k"));  // opus tops out at 256
  EXPECT_TRUE(has(argv, "-ss"));
  EXPECT_TRUE(has(argv, "libopus"));
  EXPECT_EQ(argv.back(), "pipe:1");
  EXPECT_FALSE(output_format("flac").has_value());
  EXPECT_GT(transcode_timeout_ms(job), 2 * job.duration_ms);
}

TEST(ProcessStream, ReadsOutputAndReportsExitAndDeath) {
  auto ok = ProcessStream::start({{"/bin/echo", "hello"}, 5000, 0, 1024});
  ASSERT_TRUE(ok.ok());
  char buffer[64];
  auto n = (*ok)->read(buffer);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buffer, *n), "hello\n");
  EXPECT_EQ(*(*ok)->read(buffer), 0u);
  EXPECT_TRUE((*ok)->finish().ok());

  auto failing = ProcessStream::start({{"/bin/sh", "-c", "echo oops >&2; exit 3"}, 5000, 0, 1024});
  ASSERT_TRUE(failing.ok());
  EXPECT_EQ(*(*failing)->read(buffer), 0u);
  Status done = (*failing)->finish();
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().message.find("code 3: oops"), std::string::npos) << done.error().message;

  auto slow = ProcessStream::start({{"/bin/sleep", "10"}, 100, 0, 1024});
  ASSERT_TRUE(slow.ok());
  auto timed_out = (*slow)->read(buffer);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error().code, Errc::timeout);

  EXPECT_FALSE(ProcessStream::start({{"sleep", "1"}, 100, 0, 1024}).ok());  // relative path
}

TEST(TranscodeCache, KeepsCompleteFilesWithinItsBudget) {
  TestDir dir;
  TranscodeCache cache;
  cache.configure(dir.file("t"), 250);
  for (const char* key : {"a", "b", "c"}) {
    auto temp = cache.create_temp(key);
    ASSERT_TRUE(temp.ok());
    std::ofstream(temp->second) << std::string(100, 'x');
    ASSERT_TRUE(cache.commit(temp->second, key).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // file times are coarse (a kernel tick)
  }
  // 300 bytes > 250: the least recently used ("a") went.
  EXPECT_FALSE(cache.find("a").has_value());
  EXPECT_TRUE(cache.find("c").has_value());
  EXPECT_TRUE(cache.acquire());
  cache.release();
}

}  // namespace
}  // namespace dispotify::media
