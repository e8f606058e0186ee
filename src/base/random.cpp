#include "base/random.h"

#include <sodium.h>

#include <vector>

#include "base/check.h"
#include "base/sha256.h"

namespace dispotify {

std::string random_hex(size_t bytes) {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf);
}

uint64_t random_u64() {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  uint64_t value = 0;
  randombytes_buf(&value, sizeof value);
  return value;
}

}  // namespace dispotify
