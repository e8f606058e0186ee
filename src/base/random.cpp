#include "base/random.h"

#include <sodium.h>

#include <vector>

#include "base/check.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace dispotify {

std::string random_hex(size_t bytes) {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf);
}

namespace {
thread_local IdSeedScope* current_id_scope = nullptr;
}

IdSeedScope::IdSeedScope(std::string seed) : seed_(std::move(seed)), outer_(current_id_scope) {
  current_id_scope = this;
}

IdSeedScope::~IdSeedScope() {
  DISPOTIFY_CHECK(current_id_scope == this);
  current_id_scope = outer_;
}

std::string random_id() {
  if (current_id_scope == nullptr) return random_hex(8);
  IdSeedScope& scope = *current_id_scope;
  return sha256_hex(scope.seed_ + "#id" + std::to_string(scope.issued_++)).substr(0, 16);
}

uint64_t random_u64() {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  uint64_t value = 0;
  randombytes_buf(&value, sizeof value);
  return value;
}

}  // namespace dispotify
