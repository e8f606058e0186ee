#include "net/url.h"

namespace dispotify::net {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_as_space) {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return make_error(Errc::invalid_argument, "truncated percent escape");
      }
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return make_error(Errc::invalid_argument, "bad percent escape");
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (c == '\0') return make_error(Errc::invalid_argument, "NUL byte in percent-encoded text");
    out.push_back(c);
  }
  return out;
}

Result<QueryParams> parse_query(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    DISPOTIFY_ASSIGN_OR_RETURN(std::string key, percent_decode(piece.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      DISPOTIFY_ASSIGN_OR_RETURN(value, percent_decode(piece.substr(eq + 1), true));
    }
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

std::string percent_encode(std::string_view text, EncodeSet set) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte) || (set == EncodeSet::path && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string build_query(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(key);
    out.push_back('=');
    out += percent_encode(value);
  }
  return out;
}

}  // namespace dispotify::net
