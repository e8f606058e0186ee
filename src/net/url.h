// Percent-encoding (RFC 3986 section 2.1) and query strings
// (application/x-www-form-urlencoded). Pure functions: no I/O, no state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace dispotify::net {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes; with plus_as_space, '+' becomes ' ' (query strings
// only: in a path '+' is a literal plus). A truncated or non-hex escape, or
// a decoded NUL byte (which would truncate the string in C APIs and in
// SQLite), is Errc::invalid_argument.
[[nodiscard]] Result<std::string> percent_decode(std::string_view text, bool plus_as_space = false);

// Splits "a=1&b=x%20y&flag" into decoded pairs, in order. Empty pieces
// ("a=1&&b=2") are skipped; a key without '=' has an empty value.
[[nodiscard]] Result<QueryParams> parse_query(std::string_view query);

enum class EncodeSet {
  component,  // everything but RFC 3986 unreserved characters is escaped
  path,       // as component, but '/' is kept so a path stays a path
};

// Escapes every byte outside the unreserved set (ALPHA DIGIT - . _ ~) as
// %XX with upper-case hex, so the result is safe in a request target.
std::string percent_encode(std::string_view text, EncodeSet set = EncodeSet::component);

// "a=1&b=x%20y": the inverse of parse_query, for clients.
std::string build_query(const QueryParams& params);

}  // namespace dispotify::net
