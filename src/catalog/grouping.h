// How a track is grouped into an album and linked to artists.
//
// album_artist = the tag's album artist, else "Various Artists" for a
// compilation, else the track's first artist. The album id comes from
// (album_artist, album title) and the artist ids from the names (ids.h), so
// discs 1 and 2 of an album share it and equal titles by different album
// artists do not.
#pragma once

#include "catalog/types.h"

namespace dispotify::catalog {

// Returns `track` with artists cleaned (trimmed, empty entries dropped,
// "Unknown Artist" if none), album "Unknown Album" if empty, and artist,
// album_artist, album_id, artist_id derived. Whatever the command carried
// in the derived fields is ignored, except album_artist as the tag value.
Track with_derived_fields(Track track);

}  // namespace dispotify::catalog
