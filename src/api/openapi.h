// The OpenAPI 3 description of the REST API, embedded at build time from
// src/api/openapi.json.
#pragma once

#include <string_view>

namespace dispotify::api {
std::string_view openapi_document();
}  // namespace dispotify::api
