#include "net/request_head.h"

#include <gtest/gtest.h>

namespace dispotify::net {
namespace {

RequestHead head(std::string target, size_t header_count = 1) {
  RequestHead h{"GET", std::move(target), {}};
  for (size_t i = 0; i < header_count; ++i) h.headers.push_back({"X-" + std::to_string(i), "v"});
  return h;
}

std::optional<Refusal> refusal_of(const BuiltRequest& built) {
  if (const auto* r = std::get_if<Refusal>(&built)) return *r;
  return std::nullopt;
}

TEST(RequestHead, DecodesPathAndQuery) {
  const auto built = build_request(head("/a%20b/c?x=1&y=z%21&flag"), "127.0.0.1:5", {});
  const auto& request = std::get<Request>(built);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/a b/c");
  ASSERT_EQ(request.query.size(), 3u);
  EXPECT_EQ(request.query[1].second, "z!");
  EXPECT_EQ(request.remote_address, "127.0.0.1:5");
  EXPECT_EQ(request.headers.size(), 1u);
}

TEST(RequestHead, TooManyHeaderFieldsIs431) {
  const RequestLimits limits{.header_count_max = 3};
  EXPECT_TRUE(std::holds_alternative<Request>(build_request(head("/", 3), "", limits)));
  const auto r = refusal_of(build_request(head("/", 4), "", limits));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->code, "too_large");
}

TEST(RequestHead, LongTargetIs414) {
  const RequestLimits limits{.target_bytes_max = 10};
  EXPECT_TRUE(std::holds_alternative<Request>(build_request(head("/123456789"), "", limits)));
  const auto r = refusal_of(build_request(head("/1234567890"), "", limits));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 414);
}

TEST(RequestHead, TooManyQueryParametersIs400) {
  const RequestLimits limits{.query_params_max = 2};
  EXPECT_TRUE(std::holds_alternative<Request>(build_request(head("/?a=1&&b=2"), "", limits)));
  const auto r = refusal_of(build_request(head("/?a=1&b=2&c=3"), "", limits));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->message.find("query parameters"), std::string::npos);
}

TEST(RequestHead, BadTargetsAre400) {
  for (const char* target : {"", "http://x/", "*", "/%zz", "/a%00b", "/?a=%4"}) {
    const auto r = refusal_of(build_request(head(target), "", {}));
    ASSERT_TRUE(r.has_value()) << target;
    EXPECT_EQ(r->status, 400) << target;
    EXPECT_EQ(r->code, "invalid_argument");
  }
}

}  // namespace
}  // namespace dispotify::net
