// Subsonic parameters (api/subsonic/params.h): the query string, then after
// the first newline a form body (the formPost extension). Every accessor a
// method uses runs on what comes out, as do the other parsers of values a
// Subsonic client controls: enc: passwords, the response format and its
// JSONP callback, and lyrics.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/subsonic/auth.h"
#include "api/subsonic/lyrics.h"
#include "api/subsonic/params.h"
#include "api/subsonic/response.h"
#include "fuzz/string_body.h"
#include "net/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dispotify;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t newline = bytes.find('\n');
  const std::string_view query = bytes.substr(0, newline);
  const std::string body(newline == std::string_view::npos ? std::string_view() : bytes.substr(newline + 1));

  auto pairs = net::parse_query(query);
  if (!pairs.ok()) return 0;
  net::Request request;
  request.method = "POST";
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  request.query = std::move(*pairs);
  fuzz::StringBody reader(body);
  request.body = &reader;
  auto params = api::subsonic::Params::of(request);
  if (!params.ok()) return 0;
  for (const std::string_view name : {"id", "u", "p", "t", "s", "f", "count", "offset", "size", "songId"}) {
    (void)params->get(name);
    (void)params->all(name);
    (void)params->required(name);
    (void)params->integer(name, 0, -1000, 1000);
    (void)params->required_integer(name, INT64_MIN, INT64_MAX);
    (void)params->flag(name, false);
  }
  if (auto p = params->get("p")) (void)api::subsonic::decode_password(*p);
  const auto rendering =
      api::subsonic::rendering_of(params->get("f").value_or(""), params->get("callback").value_or(""));
  (void)api::subsonic::error_response(rendering,
                                      api::subsonic::missing_parameter(params->get("id").value_or("")));
  (void)api::subsonic::parse_lyrics(body);
  return 0;
}
