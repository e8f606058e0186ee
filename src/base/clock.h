// Wall-clock time for the edges that stamp commands. Apply never reads it.
#pragma once

#include <cstdint>
#include <string>

namespace dispotify {

int64_t now_unix_ms();
// RFC 3339 UTC with milliseconds: "2026-11-24T12:00:00.000Z".
std::string format_rfc3339_ms(int64_t unix_ms);

}  // namespace dispotify
