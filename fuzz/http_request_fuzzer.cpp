// HTTP request handling of our routes: the input is the raw bytes of one
// request. They go through the parser the server uses (Boost.Beast's, with
// the server's default head and body limits), the same request building and
// limits (net/request_head.h), then the real router and handlers of api/
// (REST, Subsonic, web app) over a real catalog and blob store in a
// temporary directory, as on a single node.
//
// Strangers rarely guess a token, so the input may say @TOKEN@ for the
// admin's bearer token and @TRACK@ for the id of a track uploaded at start:
// the fuzzer then also reaches the routes behind authentication. Catalog
// writes made by earlier inputs stay, like on a server.
//
// A handler that throws, or answers 500, is a bug: the server would log it
// and answer "internal server error"; here it stops the run.
#include <stdlib.h>
#include <sys/stat.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/context.h"
#include "api/routes.h"
#include "base/check.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/password.h"
#include "base/random.h"
#include "catalog/catalog.h"
#include "catalog/proposer.h"
#include "fuzz/string_body.h"
#include "fuzz/temp_dir.h"
#include "net/http_server.h"
#include "net/http_wire.h"
#include "storage/local_blob_store.h"

namespace dispotify {
namespace {

namespace http = boost::beast::http;

// Bytes of a chunked response body read before it is dropped (a transcode
// would otherwise run for the whole track).
constexpr size_t kChunkedBodyBytesMax = 256 * 1024;

// A 16-bit mono WAV of a few milliseconds: a valid upload.
std::string tiny_wav() {
  const uint32_t rate = 8000;
  const uint32_t samples = 800;
  std::string data(samples * 2, '\0');
  for (uint32_t i = 0; i < samples; ++i) data[2 * i + 1] = static_cast<char>((i * 7) & 0x3f);
  auto u32 = [](uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  return "RIFF" + u32(36 + static_cast<uint32_t>(data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1) +
         u32(rate) + u32(rate * 2) + u16(2) + u16(16) + "data" + u32(static_cast<uint32_t>(data.size())) +
         data;
}

// A web app of one page, beside (not around) the catalog and the blobs.
std::string make_web_dir(const std::string& dir) {
  const std::string web = dir + "/web";
  DISPOTIFY_CHECK(::mkdir(web.c_str(), 0700) == 0);
  std::FILE* index = std::fopen((web + "/index.html").c_str(), "w");
  DISPOTIFY_CHECK(index != nullptr);
  std::fputs("<!doctype html><title>fuzz</title>", index);
  std::fclose(index);
  return web;
}

struct Node {
  Node()
      : dir(fuzz::make_temp_dir("/tmp/dispotify-fuzz-http-")),
        catalog(std::move(catalog::Catalog::open(dir + "/catalog.db",
                                                 catalog::CatalogOptions{.sync = catalog::SyncMode::off}))
                    .value()),
        proposer(*catalog),
        blobs(std::move(storage::LocalBlobStore::open({dir + "/blobs", 0})).value()),
        ctx{*catalog, proposer, *blobs, metrics,
            api::ApiOptions{.node_id = "fuzz-node",
                            .upload_bytes_max = 1 << 20,
                            .cache_dir = dir + "/cache",
                            .web_dir = make_web_dir(dir)}},
        handler(api::make_api_handler(ctx)) {
    ctx.ready = true;
    catalog::User admin{random_id(), "admin", hash_password("fuzz-password").value(), catalog::kRoleAdmin,
                        now_unix_ms()};
    DISPOTIFY_CHECK(proposer.propose(catalog::CreateUser{admin}).ok());
    token = api::issue_token(ctx, admin.id, "api", "fuzz", catalog::Origin{admin.id, now_unix_ms(), "", ""})
                .value()
                .secret;
    track_id = upload_track();
  }

  std::string upload_track() {
    net::Request request;
    request.method = "POST";
    request.path = "/api/v1/tracks";
    request.query = {{"filename", "seed.wav"}};
    request.headers = {{"Authorization", "Bearer " + token}};
    fuzz::StringBody body(tiny_wav());
    request.body = &body;
    const net::Response response = handler(request);
    const auto& text = std::get<std::string>(response.body);
    DISPOTIFY_CHECK_MSG(response.status == 201, text);
    const size_t at = text.find("\"id\":\"");
    DISPOTIFY_CHECK(at != std::string::npos);
    return text.substr(at + 6, text.find('"', at + 6) - at - 6);
  }

  std::string dir;
  std::unique_ptr<catalog::Catalog> catalog;
  catalog::LocalProposer proposer;
  std::unique_ptr<storage::LocalBlobStore> blobs;
  api::Metrics metrics;
  api::ApiContext ctx;
  net::Handler handler;
  std::string token;
  std::string track_id;
};

Node& node() {
  static Node* n = [] {
    log::set_level(log::Level::error);
    return new Node();  // never destroyed: handlers may still hold it at exit
  }();
  return *n;
}

std::string substitute(std::string text, std::string_view placeholder, const std::string& value) {
  for (size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

// Parses like the server: head and body limits, one request, the rest ignored.
bool parse(const std::string& bytes, http::request_parser<http::string_body>& parser) {
  const net::ServerOptions defaults;
  parser.header_limit(static_cast<uint32_t>(defaults.header_bytes_max));
  parser.body_limit(1 << 20);  // the fuzzer's own bound; the server streams larger bodies
  parser.eager(true);
  boost::system::error_code ec;
  size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    const size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) return false;
    if (ec) return false;
    if (n == 0) return false;
    used += n;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec) return false;
  }
  return parser.is_done();
}

void drain(net::Response& response) {
  auto* source = std::get_if<std::shared_ptr<net::ChunkSource>>(&response.body);
  if (source == nullptr || !*source) return;
  char buffer[16 * 1024];
  size_t total = 0;
  while (total < kChunkedBodyBytesMax) {
    auto n = (*source)->read(buffer);
    if (!n.ok() || *n == 0) break;
    total += *n;
  }
}

}  // namespace
}  // namespace dispotify

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dispotify;
  Node& n = node();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  bytes = substitute(std::move(bytes), "@TOKEN@", n.token);
  bytes = substitute(std::move(bytes), "@TRACK@", n.track_id);

  http::request_parser<http::string_body> parser;
  if (!parse(bytes, parser)) return 0;
  const auto& message = parser.get();
  net::RequestHead head{std::string(message.method_string()), std::string(message.target()), {}};
  for (const auto& field : message) {
    head.headers.push_back(net::Header{std::string(field.name_string()), std::string(field.value())});
  }
  auto built = net::build_request(std::move(head), "203.0.113.7:40000", net::RequestLimits{});
  if (std::holds_alternative<net::Refusal>(built)) return 0;
  net::Request& request = std::get<net::Request>(built);
  fuzz::StringBody body(message.body());
  request.body = &body;
  net::Response response = n.handler(request);
  if (response.status == 500) {
    const auto* text = std::get_if<std::string>(&response.body);
    std::fprintf(stderr, "500 for %s %s: %s\n", request.method.c_str(), request.target.c_str(),
                 text ? text->c_str() : "(no text body)");
    DISPOTIFY_CHECK(response.status != 500);
  }
  drain(response);
  return 0;
}
