// Minimal JSON string escaping for code paths that must not pull in a JSON
// library (the logger, metrics). Invalid UTF-8 bytes are replaced by U+FFFD
// so the output is always valid JSON.
#pragma once

#include <string>
#include <string_view>

namespace dispotify {

void append_json_string(std::string& out, std::string_view s);

}  // namespace dispotify
