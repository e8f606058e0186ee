#include "log/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace dispotify::raftlog {
namespace {

// Known answers from RFC 3720 (iSCSI), appendix B.4, and the common check value.
TEST(Crc32c, KnownAnswers) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  std::string descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32c, ExtendEqualsWholeAtEverySplit) {
  const std::string data = "The quick brown fox jumps over the lazy dog, twice over.";
  const uint32_t whole = crc32c(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    const uint32_t first = crc32c_extend(0, data.data(), split);
    EXPECT_EQ(crc32c_extend(first, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32c, HardwareAndPortableAgreeOnRandomInputs) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string data(rng() % 300, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    // Unaligned starts exercise the 8-byte loop's edges.
    const size_t skip = data.empty() ? 0 : rng() % std::min<size_t>(data.size(), 8);
    const uint32_t seed = static_cast<uint32_t>(rng());
    EXPECT_EQ(crc32c_extend(seed, data.data() + skip, data.size() - skip),
              crc32c_extend_portable(seed, data.data() + skip, data.size() - skip));
  }
  EXPECT_EQ(crc32c_extend_portable(0, "123456789", 9), 0xE3069283u);
}

TEST(Crc32c, DetectsEverySingleBitFlip) {
  std::string data = "a Raft log record payload";
  const uint32_t good = crc32c(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] = static_cast<char>(data[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_NE(crc32c(data), good);
    data[bit / 8] = static_cast<char>(data[bit / 8] ^ (1 << (bit % 8)));
  }
}

}  // namespace
}  // namespace dispotify::raftlog
