// Tag fields of MediaInfo from TagLib's format-independent views: the
// PropertyMap (ID3v2 frames, Vorbis comments, MP4 atoms and APE items under
// the same keys) and, for what it lacks, the basic Tag interface (RIFF INFO,
// ID3v1).
#pragma once

#include <taglib/tag.h>
#include <taglib/tpropertymap.h>

#include "media/probe.h"

namespace dispotify::media {

// Values read per key; a hostile file may repeat a key without end.
inline constexpr int kTagValuesMax = 32;

void read_property_map(const TagLib::PropertyMap& properties, MediaInfo& info);

// Fills only the fields still empty after read_property_map. `tag` may be null.
void read_basic_tag(const TagLib::Tag* tag, MediaInfo& info);

}  // namespace dispotify::media
