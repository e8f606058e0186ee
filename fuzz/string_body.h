// A request body held in memory, for fuzz targets that hand a parsed
// request to code that reads its body through net::BodyReader.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "net/http.h"

namespace dispotify::fuzz {

class StringBody final : public net::BodyReader {
 public:
  explicit StringBody(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> read(std::span<char> buffer) override {
    const size_t n = std::min(buffer.size(), bytes_.size() - offset_);
    std::memcpy(buffer.data(), bytes_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  std::optional<uint64_t> content_length() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t offset_ = 0;
};

}  // namespace dispotify::fuzz
