#include "storage/storage_view.h"

#include "base/check.h"

namespace dispotify::storage {

std::shared_ptr<const StorageView> make_storage_view(std::string self_id, std::vector<StorageMember> members,
                                                     size_t replication_factor, size_t write_quorum) {
  auto view = std::make_shared<StorageView>();
  view->self_id = std::move(self_id);
  std::sort(members.begin(), members.end(),
            [](const StorageMember& a, const StorageMember& b) { return a.node_id < b.node_id; });
  view->members = std::move(members);
  std::vector<std::string> ids;
  for (const auto& m : view->members) ids.push_back(m.node_id);
  view->ring = std::make_shared<const PlacementRing>(std::move(ids));
  const size_t n = std::max<size_t>(view->members.size(), 1);
  view->replication_factor = std::clamp<size_t>(replication_factor, 1, n);
  view->write_quorum = std::clamp<size_t>(write_quorum, 1, view->replication_factor);
  DISPOTIFY_CHECK(view->write_quorum <= view->replication_factor);
  return view;
}

}  // namespace dispotify::storage
