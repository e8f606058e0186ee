// The Origin (catalog/command.h) of a command a request proposes: who,
// when (this node's clock, read here and never at apply) and from where.
#pragma once

#include <string>

#include "catalog/command.h"
#include "net/http.h"

namespace dispotify::api {

// `actor_id` "" for a caller not signed in (a login). The user agent is
// kept only when `with_user_agent` (logins), cut to its limit.
catalog::Origin origin_of(const net::Request& request, std::string actor_id, bool with_user_agent = false);

}  // namespace dispotify::api
