// What the replicated store needs to know about the cluster, as this node
// has applied it: the members and their peer addresses, the replication
// factor and write quorum, and the placement ring over the members.
//
// A view is immutable; the node builds a new one when the committed
// membership changes (see ReplicatedBlobStore's view source), so readers
// hold a shared_ptr and never see a half-updated ring.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "storage/placement_ring.h"

namespace dispotify::storage {

struct StorageMember {
  std::string node_id;
  std::string peer_address;  // host:port of its peer port
  // Below --min-free-disk, as committed: it keeps serving what it holds but
  // takes no new copies; uploads and repairs skip it for the next members
  // of the preference list.
  bool full = false;
};

struct StorageView {
  std::string self_id;
  std::vector<StorageMember> members;
  // Effective values: the configured ones capped at the number of members,
  // with 1 <= write_quorum <= replication_factor.
  size_t replication_factor = 1;
  size_t write_quorum = 1;
  std::shared_ptr<const PlacementRing> ring;

  const StorageMember* member(std::string_view node_id) const {
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const StorageMember& m) { return m.node_id == node_id; });
    return it == members.end() ? nullptr : &*it;
  }
  // A member that may receive a new blob copy (an upload or a repair).
  bool takes_new_copies(std::string_view node_id) const {
    const StorageMember* m = member(node_id);
    return m != nullptr && !m->full;
  }
};

// Builds a view from the committed settings. Members without the local node
// (a node still joining) still get a ring; the node's own writes then go to
// the others.
std::shared_ptr<const StorageView> make_storage_view(std::string self_id, std::vector<StorageMember> members,
                                                     size_t replication_factor, size_t write_quorum);

}  // namespace dispotify::storage
