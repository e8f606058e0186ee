#include "api/origin.h"

#include "api/login_limiter.h"
#include "base/clock.h"
#include "media/text.h"

namespace dispotify::api {

std::string client_text(std::string_view raw, size_t bytes_max) { return media::clean_text(raw, bytes_max); }

catalog::Origin origin_of(const net::Request& request, std::string actor_id, bool with_user_agent) {
  catalog::Origin origin;
  origin.actor_id = std::move(actor_id);
  origin.at_ms = now_unix_ms();
  origin.address = address_without_port(request.remote_address);
  if (with_user_agent) {
    const auto agent = request.header("User-Agent");
    if (agent) origin.user_agent = client_text(*agent, catalog::Origin::kUserAgentBytesMax);
  }
  return origin;
}

}  // namespace dispotify::api
