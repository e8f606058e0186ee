#include "net/multipart.h"

#include <strings.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "net/url.h"

namespace dispotify::net {
namespace {

// RFC 2046 section 5.1.1: a boundary is 1 to 70 characters.
constexpr size_t kBoundaryBytesMax = 70;

using Params = std::vector<std::pair<std::string, std::string>>;

Error malformed(std::string message) {
  return make_error(Errc::invalid_argument, "multipart: " + std::move(message));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Reads a quoted-string starting at text[0] == '"'; advances past it.
Result<std::string> read_quoted(std::string_view& text) {
  std::string value;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      value.push_back(text[++i]);
    } else if (text[i] == '"') {
      text.remove_prefix(i + 1);
      return value;
    } else {
      value.push_back(text[i]);
    }
  }
  return malformed("unterminated quoted string");
}

// "type; a=1; b=\"x;y\"" -> the value before the first ';' and the
// parameters with lower-case names.
Result<std::pair<std::string, Params>> parse_header_value(std::string_view text) {
  const size_t semicolon = text.find(';');
  std::pair<std::string, Params> out{std::string(trim(text.substr(0, semicolon))), {}};
  text = semicolon == std::string_view::npos ? std::string_view() : text.substr(semicolon + 1);
  while (!(text = trim(text)).empty()) {
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos) return malformed("parameter without a value");
    std::string name = lower(trim(text.substr(0, equals)));
    text = trim(text.substr(equals + 1));
    std::string value;
    if (!text.empty() && text.front() == '"') {
      DISPOTIFY_ASSIGN_OR_RETURN(value, read_quoted(text));
    } else {
      const size_t end = text.find(';');
      value = std::string(trim(text.substr(0, end)));
      text = text.substr(end == std::string_view::npos ? text.size() : end);
    }
    text = trim(text);
    if (!text.empty() && text.front() != ';') return malformed("junk after a parameter value");
    if (!text.empty()) text.remove_prefix(1);
    out.second.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

std::optional<std::string> param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// RFC 5987 ext-value: "UTF-8''%E2%82%AC.mp3".
std::optional<std::string> decode_ext_value(std::string_view value) {
  const size_t first = value.find('\'');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = value.find('\'', first + 1);
  if (second == std::string_view::npos || !iequals(value.substr(0, first), "UTF-8")) return std::nullopt;
  auto decoded = percent_decode(value.substr(second + 1));
  if (!decoded.ok()) return std::nullopt;
  return std::move(decoded).value();
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto parsed, parse_header_value(content_type));
  if (!iequals(parsed.first, "multipart/form-data"))
    return malformed("Content-Type is not multipart/form-data");
  auto boundary = param(parsed.second, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > kBoundaryBytesMax) {
    return malformed("missing or invalid boundary");
  }
  if (boundary->find_first_of("\r\n") != std::string::npos) return malformed("boundary with a line break");
  return std::move(*boundary);
}

MultipartFileReader::MultipartFileReader(BodyReader& body, std::string boundary)
    : body_(body), delimiter_("\r\n--" + boundary) {
  // The first boundary line may start the body without a preceding CRLF;
  // pretending there was one lets one delimiter search handle every case.
  window_ = "\r\n";
}

Result<std::unique_ptr<MultipartFileReader>> MultipartFileReader::open(BodyReader& body,
                                                                       std::string_view content_type) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string boundary, multipart_boundary(content_type));
  std::unique_ptr<MultipartFileReader> reader(new MultipartFileReader(body, std::move(boundary)));
  DISPOTIFY_TRY(reader->find_file_part());
  return reader;
}

Status MultipartFileReader::fill() {
  if (source_ended_) return malformed("body ends before the closing boundary");
  const size_t old_size = window_.size();
  window_.resize(old_size + kMultipartReadBytes);
  auto got = body_.read(std::span<char>(window_.data() + old_size, kMultipartReadBytes));
  window_.resize(old_size + (got.ok() ? got.value() : 0));
  if (!got.ok()) return std::move(got).error();
  if (got.value() == 0) source_ended_ = true;
  return ok_status();
}

// Part content up to the next delimiter; 0 once the delimiter is consumed.
Result<size_t> MultipartFileReader::read_part_data(std::span<char> out) {
  if (part_ended_) return size_t{0};
  while (true) {
    const size_t at = window_.find(delimiter_);
    // Bytes that cannot be the start of a delimiter are safe to hand out.
    const size_t safe =
        at != std::string::npos ? at : window_.size() - std::min(window_.size(), delimiter_.size() - 1);
    if (at == 0) {
      window_.erase(0, delimiter_.size());
      part_ended_ = true;
      return size_t{0};
    }
    if (safe > 0) {
      const size_t n = std::min(safe, out.size());
      std::memcpy(out.data(), window_.data(), n);
      window_.erase(0, n);
      return n;
    }
    if (source_ended_) return malformed("body ends inside a part");
    DISPOTIFY_TRY(fill());
  }
}

Status MultipartFileReader::skip_part() {
  std::vector<char> sink(kMultipartReadBytes);
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, read_part_data(sink));
    if (n == 0) return ok_status();
  }
}

// After a delimiter: "--" closes the multipart body; otherwise optional
// transport padding (spaces, tabs) and CRLF end the boundary line.
Status MultipartFileReader::read_boundary_line_end(bool& was_last) {
  while (true) {
    size_t padding = 0;
    while (padding < window_.size() && (window_[padding] == ' ' || window_[padding] == '\t')) ++padding;
    if (window_.size() >= 2 && window_.compare(0, 2, "--") == 0) {
      was_last = true;
      return ok_status();
    }
    if (window_.size() >= padding + 2) {
      if (window_.compare(padding, 2, "\r\n") != 0) return malformed("junk after a boundary");
      window_.erase(0, padding + 2);
      was_last = false;
      return ok_status();
    }
    if (window_.size() > kMultipartPartHeaderBytesMax) return malformed("boundary padding too long");
    DISPOTIFY_TRY(fill());
  }
}

Status MultipartFileReader::read_part_headers() {
  size_t end = std::string::npos;
  // No headers at all is a bare CRLF; otherwise the block ends with CRLFCRLF.
  while (true) {
    if (window_.size() >= 2 && window_.compare(0, 2, "\r\n") == 0) {
      end = 0;
      break;
    }
    end = window_.find("\r\n\r\n");
    if (end != std::string::npos) {
      end += 2;
      break;
    }
    if (window_.size() > kMultipartPartHeaderBytesMax) return malformed("part headers too large");
    DISPOTIFY_TRY(fill());
  }
  if (end > kMultipartPartHeaderBytesMax) return malformed("part headers too large");
  const std::string block = window_.substr(0, end);
  window_.erase(0, end + 2);
  filename_.clear();
  field_name_.clear();
  part_content_type_.reset();
  std::string_view rest = block;
  while (!rest.empty()) {
    const size_t line_end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, line_end);
    rest = line_end == std::string_view::npos ? std::string_view() : rest.substr(line_end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return malformed("part header without a colon");
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Type")) part_content_type_ = std::string(value);
    if (!iequals(name, "Content-Disposition")) continue;
    DISPOTIFY_ASSIGN_OR_RETURN(auto disposition, parse_header_value(value));
    field_name_ = param(disposition.second, "name").value_or("");
    if (auto extended = param(disposition.second, "filename*")) {
      filename_ = decode_ext_value(*extended).value_or("");
    }
    if (filename_.empty()) filename_ = param(disposition.second, "filename").value_or("");
  }
  return ok_status();
}

Status MultipartFileReader::find_file_part() {
  DISPOTIFY_TRY(skip_part());  // the preamble, up to the first boundary
  while (true) {
    bool was_last = false;
    DISPOTIFY_TRY(read_boundary_line_end(was_last));
    if (was_last) return malformed("no file part");
    part_ended_ = false;
    DISPOTIFY_TRY(read_part_headers());
    // A browser sends filename="" for a file input left empty: not a file.
    if (!filename_.empty()) return ok_status();
    DISPOTIFY_TRY(skip_part());
  }
}

Result<size_t> MultipartFileReader::read(std::span<char> buffer) {
  if (buffer.empty()) return make_error(Errc::invalid_argument, "read with an empty buffer");
  return read_part_data(buffer);
}

Status MultipartFileReader::drain_rest(uint64_t bytes_max) {
  if (!part_ended_) DISPOTIFY_TRY(skip_part());
  uint64_t drained = window_.size();
  window_.clear();
  std::vector<char> sink(kMultipartReadBytes);
  while (!source_ended_) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, body_.read(sink));
    if (n == 0) source_ended_ = true;
    drained += n;
    if (drained > bytes_max)
      return make_error(Errc::too_large, "multipart: too much data after the file part");
  }
  return ok_status();
}

}  // namespace dispotify::net
