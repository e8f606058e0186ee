// Albums and artists are not commands' records but summaries of the
// tracks; apply refreshes the ones a change touched.
//
// Invariants after refresh: an album row exists iff a track has its id,
// with aggregates computed from exactly those tracks; an artist row exists
// iff a track lists it or an album has it as album artist.
#pragma once

#include <string>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

// Recomputes the album from its tracks, inserting or deleting the row.
// `title` and `album_artist` are the display names used if it is new.
[[nodiscard]] Status refresh_album(Db& db, const std::string& album_id, const std::string& title,
                                   const std::string& album_artist, const std::string& artist_id);
// Recomputes the artist's counts, inserting or deleting the row. `name` is
// the display name used if it is new.
[[nodiscard]] Status refresh_artist(Db& db, const std::string& artist_id, const std::string& name);

}  // namespace dispotify::catalog
