// Bearer-token authentication and token issuing.
//
// A token is "dsp_" + 48 random hex digits; the catalog keeps only its
// SHA-256, so a copy of the database does not hold usable credentials.
#pragma once

#include <string>
#include <utility>

#include "api/context.h"
#include "catalog/command.h"
#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

struct IssuedToken {
  std::string secret;  // shown once, to the caller
  catalog::Token token;
};

// From "Authorization: Bearer T", or for GET/HEAD the access_token query
// parameter (an <audio> element cannot send headers).
[[nodiscard]] Result<std::pair<catalog::User, catalog::Token>> authenticate(ApiContext& ctx,
                                                                            const net::Request& request);

// kind "session" expires after options.session_ttl_ms; "api" never. The
// origin (its time is the token's creation time) goes into the audit log:
// a session token is a login.
[[nodiscard]] Result<IssuedToken> issue_token(ApiContext& ctx, const std::string& user_id, std::string kind,
                                              std::string name, const catalog::Origin& origin);

}  // namespace dispotify::api
