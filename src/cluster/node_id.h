// A node's persistent id (16 lowercase hex digits, data_dir/node_id) is a
// 64-bit number: the same number is its Raft id, so the two never need a
// mapping table.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/types.h"

namespace dispotify::cluster {

// Errc::invalid_argument unless `hex` is 16 lowercase hex digits, not all zero.
[[nodiscard]] Result<raft::NodeId> raft_id_of(std::string_view hex);
std::string node_id_hex(raft::NodeId id);

}  // namespace dispotify::cluster
