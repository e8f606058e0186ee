// The subsonic-response envelope in XML (the default) or JSON (f=json),
// and Subsonic errors, which travel with HTTP 200 as the protocol expects.
//
// A payload is a Boost.JSON object in the JSON form of the specification;
// the XML form is derived from it by one rule, so the two cannot disagree:
// scalar members become attributes, a member named "value" becomes the
// element's text, objects become child elements, and arrays become one
// child element per item (a scalar item as its text).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::api::subsonic {

inline constexpr const char* kApiVersion = "1.16.1";
inline constexpr const char* kServerType = "dispotify";

// Error codes of the specification (responses/error).
enum class Code {
  generic = 0,
  missing_parameter = 10,
  client_too_old = 20,
  server_too_old = 30,
  wrong_credentials = 40,
  token_auth_unsupported = 41,
  auth_mechanism_unsupported = 42,
  conflicting_auth = 43,
  bad_api_key = 44,
  not_authorized = 50,
  not_found = 70,
};

enum class Format { xml, json, jsonp };

struct Rendering {
  Format format = Format::xml;
  std::string callback;  // jsonp only
};

// From f= (and callback= for jsonp); anything else is XML.
Rendering rendering_of(std::string_view f, std::string_view callback);

// The message of an Error whose code is missing_parameter starts with this.
inline constexpr std::string_view kMissingParameter = "required parameter ";
Error missing_parameter(std::string_view name);
// The Subsonic code for a failure of ours.
Code code_of(const Error& error);

// status="ok" with the payload's members inside the envelope.
net::Response ok_response(const Rendering& rendering, const boost::json::object& payload);
net::Response error_response(const Rendering& rendering, Code code, std::string_view message);
net::Response error_response(const Rendering& rendering, const Error& error);

// Exposed for tests: the XML element `name` for a JSON object.
std::string to_xml(std::string_view name, const boost::json::object& object);

}  // namespace dispotify::api::subsonic
