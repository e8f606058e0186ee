// The version of the blob store's directory layout (ROOT/VERSION, one
// decimal number and a newline; docs/formats/blob_store.md). A store from
// before the file existed is version 1 and gets the file at its next open;
// a store of a later version stops the node with a message naming the
// file, rather than be misread by this binary.
#pragma once

#include <string>

#include "base/result.h"

namespace dispotify::storage {

inline constexpr int kBlobLayoutVersion = 1;

// Errc::conflict for a newer version, Errc::corrupt for a file that is not
// a version number; writes the file (durably) when it is missing.
[[nodiscard]] Status check_blob_layout(const std::string& root);

}  // namespace dispotify::storage
