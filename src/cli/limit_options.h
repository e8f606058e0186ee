// The `serve` settings that bound what a stranger can make a node hold
// (issue 9, item 5; README "Settings", docs/API.md "Conventions"): connections per address,
// request heads, slow clients, and uploads per user. Kept apart from
// serve.cpp so the list and its checks read as one.
#pragma once

#include <vector>

#include "api/upload_limiter.h"
#include "base/result.h"
#include "cli/options.h"
#include "net/http_server.h"

namespace dispotify::cli {

// Appended to the other settings of `serve`.
extern const std::vector<OptionSpec> kLimitOptions;

struct PublicLimits {
  net::ServerOptions server;  // only the limit fields are set from the options
  api::UploadLimits uploads;
};

// Every limit validated, or Errc::invalid_argument naming the setting.
[[nodiscard]] Result<PublicLimits> parse_limit_options(const Options& options);

// Copies the limit fields into `server`, leaving its other fields alone.
void apply_limits(const PublicLimits& limits, net::ServerOptions& server);

}  // namespace dispotify::cli
