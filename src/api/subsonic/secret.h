// The Subsonic password at rest: sealed with the cluster key
// (base/secret_box.h), bound to its owner's user id, kept in hex in the
// catalog. The node that receives PUT /api/v1/me/subsonic-password seals
// (a random nonce) before proposing, so the log and every catalog hold
// only the box and apply stays deterministic; a Subsonic login opens it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/context.h"
#include "base/result.h"

namespace dispotify::api::subsonic {

// Errc::unavailable when the node has no cluster key.
[[nodiscard]] Result<std::string> seal_subsonic_password(const ApiContext& ctx, std::string_view user_id,
                                                         std::string_view password);
// The user's Subsonic password in clear, or nullopt when none is set.
// Errc::corrupt when the box does not open (another cluster's key, a
// changed row): logged here, so callers only refuse the login.
[[nodiscard]] Result<std::optional<std::string>> subsonic_password(const ApiContext& ctx,
                                                                   std::string_view user_id);

}  // namespace dispotify::api::subsonic
