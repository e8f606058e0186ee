// CORS (Fetch standard, "CORS protocol") for the few GET routes that pages
// of another origin must read: the web player of one node streams from
// another node when its own goes away (docs/API.md, "Cross-origin reads").
//
// Narrow on purpose: only routes that change nothing and authenticate by
// ?access_token= (the API sets no cookies, so there is no credentials
// mode), only GET and HEAD, and only the Range request header.
#pragma once

#include "net/http.h"

namespace dispotify::api {

// Adds the headers that let any origin read `response` (status, body and
// the headers a media element or a range reader needs).
void allow_cross_origin_read(net::Response& response);

// The answer to a preflight (OPTIONS) for such a route: 204 allowing GET
// and HEAD with a Range header, cached by the browser for a while.
net::Response cross_origin_preflight();

}  // namespace dispotify::api
