// JSON renderings of catalog records, as the REST API returns them
// (docs/API.md describes every field).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

boost::json::object track_json(const catalog::Track& track);
boost::json::object album_json(const catalog::Album& album);
boost::json::object artist_json(const catalog::Artist& artist);
boost::json::object user_json(const catalog::User& user);     // never the password hash
boost::json::object token_json(const catalog::Token& token);  // never the hash
boost::json::object playlist_json(const catalog::Playlist& playlist);

template <class T, class F>
boost::json::array json_array(const std::vector<T>& items, F render) {
  boost::json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.emplace_back(render(item));
  return out;
}

// {"items": [...], "total": N, "offset": O, "limit": L}
template <class T, class F>
boost::json::object page_json(const catalog::Page<T>& page, int64_t offset, int64_t limit, F render) {
  return {
      {"items", json_array(page.items, render)}, {"total", page.total}, {"offset", offset}, {"limit", limit}};
}

}  // namespace dispotify::api

namespace dispotify::api {
// Serializes `value` as the body of a JSON response.
net::Response json_reply(int status, const boost::json::value& value);
}  // namespace dispotify::api
