#include "api/subsonic/response.h"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace dispotify::api::subsonic {
namespace {

// A jsonp callback is a JavaScript identifier path; anything else could
// inject script into the page that loads it.
bool valid_callback(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '$' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// XML 1.0 allows no control characters but tab, newline and carriage
// return, even escaped: tags carry them now and then, so they are dropped.
void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
}

std::string scalar_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.get_double());
    return ec == std::errc() ? std::string(buffer, end) : "0";
  }
  return "";
}

bool is_scalar(const boost::json::value& v) { return !v.is_object() && !v.is_array() && !v.is_null(); }

void append_element(std::string& out, std::string_view name, const boost::json::object& object);

void append_child(std::string& out, std::string_view name, const boost::json::value& v) {
  if (v.is_object()) {
    append_element(out, name, v.get_object());
  } else if (is_scalar(v)) {
    out += '<';
    out += name;
    out += '>';
    append_escaped(out, scalar_text(v));
    out += "</";
    out += name;
    out += '>';
  }
}

void append_element(std::string& out, std::string_view name, const boost::json::object& object) {
  out += '<';
  out += name;
  const boost::json::value* text = nullptr;
  for (const auto& member : object) {
    if (!is_scalar(member.value())) continue;
    if (member.key() == "value") {
      text = &member.value();
      continue;
    }
    out += ' ';
    out += member.key();
    out += "=\"";
    append_escaped(out, scalar_text(member.value()));
    out += '"';
  }
  std::string inner;
  if (text != nullptr) append_escaped(inner, scalar_text(*text));
  for (const auto& member : object) {
    if (member.value().is_object()) {
      append_child(inner, member.key(), member.value());
    } else if (member.value().is_array()) {
      for (const auto& item : member.value().get_array()) append_child(inner, member.key(), item);
    }
  }
  if (inner.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += inner;
  out += "</";
  out += name;
  out += '>';
}

boost::json::object envelope(std::string_view status) {
  return {{"status", status},
          {"version", kApiVersion},
          {"type", kServerType},
          {"serverVersion", DISPOTIFY_VERSION},
          {"openSubsonic", true}};
}

net::Response render(const Rendering& rendering, boost::json::object body) {
  net::Response response;
  response.status = 200;
  if (rendering.format == Format::xml) {
    body["xmlns"] = "http://subsonic.org/restapi";
    // xmlns first, as every server writes it.
    boost::json::object ordered;
    ordered["xmlns"] = body["xmlns"];
    for (const auto& member : body) {
      if (member.key() != "xmlns") ordered[member.key()] = member.value();
    }
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    append_element(xml, "subsonic-response", ordered);
    response.set_header("Content-Type", "text/xml; charset=utf-8");
    response.body = std::move(xml);
    return response;
  }
  std::string json = boost::json::serialize(boost::json::object{{"subsonic-response", std::move(body)}});
  if (rendering.format == Format::jsonp) {
    response.set_header("Content-Type", "text/javascript; charset=utf-8");
    response.body = rendering.callback + "(" + json + ");";
    return response;
  }
  response.set_header("Content-Type", "application/json");
  response.body = std::move(json);
  return response;
}

}  // namespace

Rendering rendering_of(std::string_view f, std::string_view callback) {
  if (f == "json") return {Format::json, {}};
  if (f == "jsonp" && valid_callback(callback)) return {Format::jsonp, std::string(callback)};
  if (f == "jsonp") return {Format::json, {}};
  return {Format::xml, {}};
}

Error missing_parameter(std::string_view name) {
  return make_error(Errc::invalid_argument,
                    std::string(kMissingParameter) + "'" + std::string(name) + "' is missing");
}

Code code_of(const Error& error) {
  switch (error.code) {
    case Errc::invalid_argument:
      return std::string_view(error.message).starts_with(kMissingParameter) ? Code::missing_parameter
                                                                            : Code::generic;
    case Errc::unauthenticated: return Code::wrong_credentials;
    case Errc::permission_denied: return Code::not_authorized;
    case Errc::not_found: return Code::not_found;
    default: return Code::generic;
  }
}

net::Response ok_response(const Rendering& rendering, const boost::json::object& payload) {
  boost::json::object body = envelope("ok");
  for (const auto& member : payload) body[member.key()] = member.value();
  return render(rendering, std::move(body));
}

net::Response error_response(const Rendering& rendering, Code code, std::string_view message) {
  boost::json::object body = envelope("failed");
  body["error"] = boost::json::object{{"code", static_cast<int>(code)}, {"message", message}};
  return render(rendering, std::move(body));
}

net::Response error_response(const Rendering& rendering, const Error& error) {
  return error_response(rendering, code_of(error), error.message);
}

std::string to_xml(std::string_view name, const boost::json::object& object) {
  std::string out;
  append_element(out, name, object);
  return out;
}

}  // namespace dispotify::api::subsonic
