// `dispotify probe URL`: exits 0 when GET URL answers 200 within the
// timeout, 1 otherwise. The container image's HEALTHCHECK runs it against
// the node's own /readyz: the image then needs no curl or shell, and the
// check is exactly what an orchestrator's HTTP probe would see.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/server_target.h"
#include "net/http_client.h"

namespace dispotify::cli {
namespace {

const std::vector<OptionSpec> kProbeOptions = {
    {"timeout", "2000", "milliseconds to connect and to wait for the answer"},
};

// A health answer is small; anything larger is not one.
constexpr uint64_t kProbeBodyBytesMax = 64 * 1024;

}  // namespace

int run_probe(const std::vector<std::string>& args) {
  auto parsed = parse_options(kProbeOptions, args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dispotify probe: %s\n", parsed.error().message.c_str());
    return 2;
  }
  const Options& options = *parsed;
  if (options.help_requested || options.positional.size() != 1) {
    std::cout << usage_text("dispotify probe URL [options]",
                            "Exits 0 if GET URL answers 200 (a health check: "
                            "dispotify probe http://127.0.0.1:4533/readyz; an https:// URL's "
                            "certificate is not checked).",
                            kProbeOptions);
    return options.help_requested ? 0 : 2;
  }
  auto timeout_ms = options.get_int("timeout", 1, 60'000);
  // The node's own port, probed for health: its certificate is not checked.
  auto target = server_target(options.positional[0], "", false);
  if (!timeout_ms.ok() || !target.ok()) {
    std::fprintf(stderr, "dispotify probe: %s\n",
                 (!timeout_ms.ok() ? timeout_ms.error() : target.error()).message.c_str());
    return 2;
  }
  net::ClientRequest request = request_to(*target, "GET", target->url.prefix.empty() ? "/" : "");
  request.connect_timeout_ms = static_cast<uint64_t>(*timeout_ms);
  request.io_timeout_ms = static_cast<uint64_t>(*timeout_ms);
  request.response_body_bytes_max = kProbeBodyBytesMax;
  auto response = net::request(request);
  if (!response.ok()) {
    std::fprintf(stderr, "dispotify probe: %s\n", response.error().message.c_str());
    return 1;
  }
  if (response->status != 200) {
    std::fprintf(stderr, "dispotify probe: status %d: %s\n", response->status, response->body.c_str());
    return 1;
  }
  return 0;
}

}  // namespace dispotify::cli
