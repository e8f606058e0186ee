// Persistent identity of a node: DATA_DIR/node_id holds 16 hex digits,
// written atomically at first start and never changed, so the identity stays
// with the data (not the host name or IP).
#pragma once

#include <string>

#include "base/result.h"

namespace dispotify::cli {

[[nodiscard]] Result<std::string> load_or_create_node_id(const std::string& data_dir);

}  // namespace dispotify::cli
