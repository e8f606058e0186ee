#include "cluster/node_id.h"

#include <cstdio>

namespace dispotify::cluster {

Result<raft::NodeId> raft_id_of(std::string_view hex) {
  if (hex.size() != 16) return make_error(Errc::invalid_argument, "a node id is 16 hex digits");
  uint64_t value = 0;
  for (char c : hex) {
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return make_error(Errc::invalid_argument, "a node id is 16 lowercase hex digits");
    }
    value = (value << 4) | digit;
  }
  if (value == 0) return make_error(Errc::invalid_argument, "node id 0 is reserved");
  return raft::NodeId(value);
}

std::string node_id_hex(raft::NodeId id) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(id.value()));
  return buffer;
}

}  // namespace dispotify::cluster
