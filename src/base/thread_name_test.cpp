#include "base/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace dispotify {
namespace {

std::string own_comm() {
  std::ifstream comm("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// What `top -H` shows; the kernel keeps 15 bytes, so a longer name is cut.
TEST(ThreadName, NamesTheCallingThreadCutTo15Bytes) {
  std::string short_name, long_name;
  std::thread([&] {
    name_this_thread("raft-runner");
    short_name = own_comm();
    name_this_thread("a-name-longer-than-fifteen-bytes");
    long_name = own_comm();
  }).join();
  EXPECT_EQ(short_name, "raft-runner");
  EXPECT_EQ(long_name, "a-name-longer-t");
}

}  // namespace
}  // namespace dispotify
