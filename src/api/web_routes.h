// The web app (web/, built by Vite into web/dist) served at / by every node.
//
// Caching: files under /assets/ carry a content hash in their names (Vite
// does that), so they are immutable for a year; index.html and the other
// files at the root are revalidated on every load (no-cache + ETag), so a
// new build reaches browsers at once. A path under one of the app's routes
// (a deep link such as /albums/ID) gets index.html; any other unknown path
// is a JSON 404 as from the router. Paths of the server's own interfaces
// (/api, /rest, /metrics, /healthz, /readyz, /peer) are never answered
// with the app.
//
// Thread-safety: WebApp is immutable after construction; serve() may run on
// any number of worker threads at once.
#pragma once

#include <string>
#include <string_view>

#include "net/http.h"

namespace dispotify::api {

class WebApp {
 public:
  // `dir` holds index.html and assets/; it may not exist (then every app
  // path answers 404 with a hint to build the app).
  explicit WebApp(std::string dir) : dir_(std::move(dir)) {}

  // Answers a request no API route matched (any method).
  net::Response serve(const net::Request& request) const;

  // The default web dir: `web/` beside the binary (an install), else
  // `../web/dist` from the binary's folder (a build tree inside the
  // source tree). Returns "" when neither holds an index.html.
  static std::string find_default_dir();
  // True for the paths of the server's own interfaces (never the app's).
  static bool is_reserved_path(std::string_view path);

 private:
  net::Response serve_file(const net::Request& request, const std::string& relative,
                           std::string_view cache_control) const;

  std::string dir_;
};

}  // namespace dispotify::api
