#include "api/web_routes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "api/errors.h"
#include "api/routes.h"
#include "base/log.h"
#include "base/unique_fd.h"

namespace dispotify::api {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr size_t kPathBytesMax = 1024;
constexpr size_t kSegmentsMax = 16;
// The first path segments that belong to the server, not to the app.
constexpr std::array<std::string_view, 6> kReservedRoots = {"api",     "rest",   "metrics",
                                                            "healthz", "readyz", "peer"};
// The first segments of the app's own routes (web/src/App.tsx): deep links
// under them get index.html; any other unknown path is a plain 404.
constexpr std::array<std::string_view, 6> kAppRoots = {"albums",    "artists", "tracks",
                                                       "playlists", "upload",  "admin"};
// Only what the app's own pages load: a strict policy costs nothing and
// stops injected scripts from running or leaking data elsewhere.
// Media and fetches may go to other origins: the player streams from
// another node of the cluster when this one goes away, and nodes are
// reached at addresses this page cannot know in advance (members join
// after it loaded). Scripts, styles and frames stay on this origin.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: http: https:; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self' http: https:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

// The path as a relative file name inside the web dir, or nullopt when it
// could leave the dir or name a hidden file: "..", ".", dot files,
// backslashes and NUL are refused (the path is already percent-decoded,
// so "%2e%2e" arrives here as "..").
std::optional<std::string> safe_relative_path(std::string_view path) {
  if (path.size() > kPathBytesMax || path.empty() || path.front() != '/') return std::nullopt;
  std::string out;
  size_t segments = 0;
  size_t pos = 1;
  while (pos <= path.size()) {
    const size_t end = std::min(path.find('/', pos), path.size());
    const std::string_view segment = path.substr(pos, end - pos);
    pos = end + 1;
    if (segment.empty()) {
      if (end == path.size()) break;  // a trailing slash
      return std::nullopt;            // "//"
    }
    if (segment.front() == '.' ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
      return std::nullopt;
    if (++segments > kSegmentsMax) return std::nullopt;
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

// Whether Accept-Encoding allows gzip (a "gzip" token without q=0).
bool accepts_gzip(const net::Request& request) {
  auto header = request.header("Accept-Encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t comma = std::min(rest.find(','), rest.size());
    std::string_view item = rest.substr(0, comma);
    rest.remove_prefix(std::min(comma + 1, rest.size()));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t semi = std::min(item.find(';'), item.size());
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != "gzip") continue;
    const std::string_view params = item.substr(semi);
    return params.find("q=0") == std::string_view::npos || params.find("q=0.") != std::string_view::npos;
  }
  return false;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  return if_none_match.find(etag) != std::string_view::npos;
}

net::Response not_found(const net::Request& request) {
  net::Response response = error_response(Errc::not_found, "no such route: " + request.path);
  response.route = "(not found)";
  return response;
}

bool is_app_route(std::string_view relative) {
  if (relative.empty() || relative == "index.html") return true;
  const std::string_view root = relative.substr(0, std::min(relative.find('/'), relative.size()));
  return std::find(kAppRoots.begin(), kAppRoots.end(), root) != kAppRoots.end();
}

net::Response plain(int status, std::string body) {
  net::Response response;
  response.status = status;
  response.set_header("Content-Type", "text/plain; charset=utf-8");
  response.set_header("Cache-Control", "no-store");
  response.body = std::move(body);
  response.route = "GET (web app)";
  return response;
}

struct OpenFile {
  UniqueFd fd;
  struct stat st {};
};

std::optional<OpenFile> open_regular(const std::string& path) {
  OpenFile file;
  file.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!file.fd.valid() || ::fstat(file.fd.get(), &file.st) != 0 || !S_ISREG(file.st.st_mode))
    return std::nullopt;
  return file;
}

std::string etag_of(const struct stat& st, bool gzipped) {
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "\"%llx-%llx%s\"", static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec),
                gzipped ? "-gz" : "");
  return buffer;
}

}  // namespace

bool WebApp::is_reserved_path(std::string_view path) {
  while (path.starts_with('/')) path.remove_prefix(1);
  const std::string_view root = path.substr(0, std::min(path.find('/'), path.size()));
  for (std::string_view reserved : kReservedRoots) {
    if (root == reserved) return true;
  }
  return false;
}

std::string WebApp::find_default_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const auto& candidate :
       {exe.parent_path() / "web", exe.parent_path().parent_path() / "web" / "dist"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", ec))
      return candidate.lexically_normal().string();
  }
  return "";
}

net::Response WebApp::serve_file(const net::Request& request, const std::string& relative,
                                 std::string_view cache_control) const {
  const std::string path = dir_ + "/" + relative;
  std::optional<OpenFile> file;
  bool gzipped = false;
  if (accepts_gzip(request)) {
    file = open_regular(path + ".gz");
    gzipped = file.has_value();
  }
  if (!file) file = open_regular(path);
  if (!file) return not_found(request);
  net::Response response;
  response.route = "GET (web app)";
  const std::string etag = etag_of(file->st, gzipped);
  response.set_header("Cache-Control", std::string(cache_control));
  response.set_header("ETag", etag);
  response.set_header("Vary", "Accept-Encoding");
  if (auto inm = request.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    response.status = 304;
    return response;
  }
  response.set_header("Content-Type", std::string(content_type_of(relative)));
  response.set_header("X-Content-Type-Options", "nosniff");
  if (gzipped) response.set_header("Content-Encoding", "gzip");
  if (relative.ends_with(".html")) {
    response.set_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
    response.set_header("Referrer-Policy", "same-origin");
  }
  response.body = net::FileBody{std::move(file->fd), 0, static_cast<uint64_t>(file->st.st_size)};
  return response;
}

net::Response WebApp::serve(const net::Request& request) const {
  if (is_reserved_path(request.path)) return not_found(request);
  auto relative = safe_relative_path(request.path);
  if (!relative) return not_found(request);
  const std::string_view last = std::string_view(*relative).substr(relative->rfind('/') + 1);
  const bool is_file = relative->starts_with("assets/") || last.find('.') != std::string_view::npos;
  const bool is_app = !is_file || *relative == "index.html";
  if (is_app && !is_app_route(*relative)) return not_found(request);
  if (request.method != "GET" && request.method != "HEAD") {
    net::Response response = plain(405, "method " + request.method + " not allowed\n");
    response.set_header("Allow", "GET, HEAD");
    return response;
  }
  if (dir_.empty() || !std::filesystem::is_regular_file(dir_ + "/index.html")) {
    return plain(
        404, "The web app is not built: run `make web`, or point --web-dir at a folder with index.html.\n");
  }
  // Hashed assets never change; a name with an extension at the root
  // (favicon.svg) is a file, revalidated; a missing file is 404, never the
  // app (a missing script must not come back as HTML).
  if (relative->starts_with("assets/")) return serve_file(request, *relative, kImmutable);
  if (!is_app) return serve_file(request, *relative, kRevalidate);
  return serve_file(request, "index.html", kRevalidate);
}

void add_web_routes(Router& router, ApiContext& ctx) {
  std::string dir = ctx.options.web_dir.empty() ? WebApp::find_default_dir() : ctx.options.web_dir;
  if (dir.empty() || !std::filesystem::is_regular_file(dir + "/index.html")) {
    log::warn("no web app to serve (run `make web` or set --web-dir)", {{"web_dir", dir}});
  } else {
    log::info("serving the web app", {{"web_dir", dir}});
  }
  auto app = std::make_shared<const WebApp>(std::move(dir));
  router.add(
      "GET", "/", Access::anyone, [app](Call& call) { return app->serve(call.request); }, Consistency::local);
  router.set_fallback([app](Call& call) { return app->serve(call.request); });
}

}  // namespace dispotify::api
