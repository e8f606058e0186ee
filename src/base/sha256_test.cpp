// sha256_hex against the FIPS 180-2 examples, called repeatedly on one
// thread (its digest context is reused) and on several threads at once.
#include "base/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace dispotify {
namespace {

constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kTwoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(Sha256Hex, MatchesTheStandardExamplesAgainAndAgain) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(sha256_hex("abc"), kAbc);
    EXPECT_EQ(sha256_hex(""), kEmpty);
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), kTwoBlocks);
  }
  EXPECT_TRUE(is_sha256_hex(sha256_hex("x")));
}

TEST(Sha256Hex, ThreadsHashAtTheSameTime) {
  std::vector<std::thread> threads;
  std::vector<int> right(4, 0);
  for (size_t t = 0; t < right.size(); ++t) {
    threads.emplace_back([&right, t] {
      for (int i = 0; i < 1000; ++i) right[t] += sha256_hex("abc") == kAbc && sha256_hex("") == kEmpty;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : right) EXPECT_EQ(count, 1000);
}

}  // namespace
}  // namespace dispotify
