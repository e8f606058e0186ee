#include "net/range.h"

#include <gtest/gtest.h>

namespace dispotify::net {
namespace {

using Kind = RangeSpec::Kind;

void expect_partial(std::string_view header, uint64_t size, uint64_t first, uint64_t last) {
  const RangeSpec range = parse_range(header, size);
  EXPECT_EQ(range.kind, Kind::partial) << header;
  EXPECT_EQ(range.first, first) << header;
  EXPECT_EQ(range.last, last) << header;
  EXPECT_EQ(range.length(), last - first + 1) << header;
}

void expect_kind(std::string_view header, uint64_t size, Kind kind) {
  EXPECT_EQ(parse_range(header, size).kind, kind) << "'" << header << "' size " << size;
}

TEST(Range, ClosedRanges) {
  expect_partial("bytes=0-0", 100, 0, 0);
  expect_partial("bytes=0-99", 100, 0, 99);
  expect_partial("bytes=10-19", 100, 10, 19);
  expect_partial("bytes=99-99", 100, 99, 99);
}

TEST(Range, EndPastTheSizeIsClamped) {
  expect_partial("bytes=50-1000", 100, 50, 99);
  expect_partial("bytes=0-99999999999999999999999", 100, 0, 99);  // saturates, then clamps
}

TEST(Range, OpenEnded) {
  expect_partial("bytes=0-", 100, 0, 99);
  expect_partial("bytes=42-", 100, 42, 99);
}

TEST(Range, Suffix) {
  expect_partial("bytes=-1", 100, 99, 99);
  expect_partial("bytes=-30", 100, 70, 99);
  expect_partial("bytes=-100", 100, 0, 99);
  expect_partial("bytes=-500", 100, 0, 99);  // longer than the resource: all of it
}

TEST(Range, Unsatisfiable) {
  expect_kind("bytes=100-", 100, Kind::unsatisfiable);
  expect_kind("bytes=100-200", 100, Kind::unsatisfiable);
  expect_kind("bytes=99999999999999999999999-", 100, Kind::unsatisfiable);
  expect_kind("bytes=-0", 100, Kind::unsatisfiable);
  expect_kind("bytes=0-", 0, Kind::unsatisfiable);
  expect_kind("bytes=0-0", 0, Kind::unsatisfiable);
  expect_kind("bytes=-5", 0, Kind::unsatisfiable);
}

TEST(Range, WhitespaceAndCaseAreTolerated) {
  expect_partial("  bytes=1-2  ", 100, 1, 2);
  expect_partial("bytes= 1-2", 100, 1, 2);
  expect_partial("Bytes=1-2", 100, 1, 2);
  expect_partial("bytes=1-2,", 100, 1, 2);  // empty list elements are allowed
  expect_partial("bytes=, 1-2", 100, 1, 2);
}

TEST(Range, InvalidSyntaxIsIgnored) {
  for (const char* header : {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=1-a", "bytes=a-1",
                             "bytes=5-4", "bytes=1 - 2", "bytes=+1-2", "bytes=1-2-3", "items=0-1",
                             "bytes 0-1", "bytes=0x1-2", "bytes=--1", "bytes=1--2", "bytes=,"}) {
    expect_kind(header, 100, Kind::full);
  }
}

TEST(Range, MultipleRangesGetTheFullResource) {
  expect_kind("bytes=0-1,5-6", 100, Kind::full);
  expect_kind("bytes=0-1, -5", 100, Kind::full);
  expect_kind("bytes=200-300,0-1", 100, Kind::full);
}

TEST(Range, ContentRangeFormatting) {
  EXPECT_EQ(content_range(0, 99, 1000), "bytes 0-99/1000");
  EXPECT_EQ(content_range(5, 5, 6), "bytes 5-5/6");
  EXPECT_EQ(content_range_unsatisfied(1000), "bytes */1000");
  EXPECT_EQ(content_range_unsatisfied(0), "bytes */0");
}

}  // namespace
}  // namespace dispotify::net
