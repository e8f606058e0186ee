// The ORDER BY clauses that list queries accept: a whitelist, so a sort
// name from a request never becomes SQL text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"

namespace dispotify::catalog {

// ORDER BY terms for tracks (alias t) and albums (alias a), or nullopt for
// a sort name that is not on the list. Every clause ends with the id so
// pages are stable.
std::optional<std::string> track_order_by(std::string_view sort, SortOrder order);
std::optional<std::string> album_order_by(std::string_view sort, SortOrder order);

}  // namespace dispotify::catalog
