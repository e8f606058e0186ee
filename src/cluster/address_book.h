// Peer addresses learned from the peers themselves (the
// X-Dispotify-Peer-Address header of their Raft batches). The replicated
// member list is the durable source; this fills its gaps: a joining node
// must answer its leader before its catalog holds the member list, and a
// node that moved is reachable before its new address commits.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "raft/types.h"

namespace dispotify::cluster {

class AddressBook {
 public:
  static constexpr size_t kEntriesMax = 1024;  // a cluster is far smaller; bounds what strangers can fill

  void learn(raft::NodeId node, std::string address) {
    std::lock_guard lock(mutex_);
    if (addresses_.size() >= kEntriesMax && !addresses_.contains(node)) return;
    addresses_[node] = std::move(address);
  }
  std::optional<std::string> find(raft::NodeId node) const {
    std::lock_guard lock(mutex_);
    auto it = addresses_.find(node);
    if (it == addresses_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<raft::NodeId, std::string> addresses_;
};

}  // namespace dispotify::cluster
