// HTTP Range requests (RFC 9110 section 14): one byte range per response.
//
// Pure parsing against a known resource size. We serve single ranges only;
// a multi-range request is answered with the full resource, which RFC 9110
// section 14.2 allows ("A server MAY ignore the Range header field").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dispotify::net {

struct RangeSpec {
  enum class Kind {
    full,           // no usable Range: send 200 with the whole resource
    partial,        // send 206 with bytes [first, last] (inclusive)
    unsatisfiable,  // send 416 with Content-Range: bytes */size
  };
  Kind kind = Kind::full;
  uint64_t first = 0;  // valid only for partial
  uint64_t last = 0;   // inclusive, < size; valid only for partial

  uint64_t length() const { return kind == Kind::partial ? last - first + 1 : 0; }
};

// Interprets the value of a Range header ("bytes=0-99", "bytes=100-",
// "bytes=-500") for a resource of `size` bytes. Invalid syntax, other units
// and multiple ranges give `full` (the header is ignored, section 14.2); a
// valid range that selects nothing (first >= size, suffix of 0, size 0)
// gives `unsatisfiable`. `last` beyond the end is clamped to size - 1.
RangeSpec parse_range(std::string_view header_value, uint64_t size);

// Content-Range values: "bytes 0-99/1000" for a 206 and "bytes */1000" for a 416.
std::string content_range(uint64_t first, uint64_t last, uint64_t size);
std::string content_range_unsatisfied(uint64_t size);

}  // namespace dispotify::net
