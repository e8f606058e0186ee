#include "catalog/sort_orders.h"

#include <array>
#include <utility>
#include <vector>

namespace dispotify::catalog {
namespace {

struct SortKey {
  std::string_view name;
  std::vector<std::string_view> terms;  // each gets the direction appended
};

const std::vector<SortKey>& track_keys() {
  static const std::vector<SortKey> keys = {
      {"title", {"t.title COLLATE NOCASE", "t.id"}},
      {"artist",
       {"t.artist COLLATE NOCASE", "t.album COLLATE NOCASE", "t.disc_number", "t.track_number", "t.id"}},
      {"album", {"t.album COLLATE NOCASE", "t.disc_number", "t.track_number", "t.id"}},
      {"year", {"t.year", "t.title COLLATE NOCASE", "t.id"}},
      {"duration", {"t.duration_ms", "t.id"}},
      {"created_at", {"t.created_at_ms", "t.id"}},
  };
  return keys;
}

const std::vector<SortKey>& album_keys() {
  static const std::vector<SortKey> keys = {
      {"name", {"a.title COLLATE NOCASE", "a.id"}},
      {"artist", {"a.album_artist COLLATE NOCASE", "a.title COLLATE NOCASE", "a.id"}},
      {"year", {"a.year", "a.title COLLATE NOCASE", "a.id"}},
      {"created_at", {"a.created_at_ms", "a.id"}},
  };
  return keys;
}

// Every term in one direction, so SQLite can walk the matching index
// forwards or backwards instead of sorting.
std::optional<std::string> order_by(const std::vector<SortKey>& keys, std::string_view sort,
                                    SortOrder order) {
  for (const SortKey& key : keys) {
    if (key.name != sort) continue;
    std::string clause;
    for (std::string_view term : key.terms) {
      if (!clause.empty()) clause += ", ";
      clause += term;
      clause += order == SortOrder::asc ? " ASC" : " DESC";
    }
    return clause;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> track_order_by(std::string_view sort, SortOrder order) {
  return order_by(track_keys(), sort, order);
}

std::optional<std::string> album_order_by(std::string_view sort, SortOrder order) {
  return order_by(album_keys(), sort, order);
}

}  // namespace dispotify::catalog
