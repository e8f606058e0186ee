#include "cli/storage_views.h"

#include "base/log.h"

namespace dispotify::cli {

std::shared_ptr<const storage::StorageView> CatalogStorageViews::current() {
  auto members = catalog_.members();
  auto info = catalog_.cluster_info();
  std::lock_guard lock(mutex_);
  if (!members.ok() || !info.ok()) {
    log::warn("cannot read the cluster for blob placement",
              {{"error", !members.ok() ? members.error().message : info.error().message}});
    if (view_ == nullptr) view_ = storage::make_storage_view(self_id_, {}, 1, 1);
    return view_;
  }
  const size_t r =
      *info ? static_cast<size_t>((*info)->replication_factor) : storage::kReplicationFactorDefault;
  const size_t w = *info ? static_cast<size_t>((*info)->write_quorum) : storage::kWriteQuorumDefault;
  std::string fingerprint = std::to_string(r) + "/" + std::to_string(w);
  std::vector<storage::StorageMember> storage_members;
  for (const catalog::Member& m : *members) {
    fingerprint += ";" + m.node_id + "@" + m.peer_address + (m.storage_full ? "!full" : "");
    storage_members.push_back({m.node_id, m.peer_address, m.storage_full});
  }
  if (view_ == nullptr || fingerprint != fingerprint_) {
    view_ = storage::make_storage_view(self_id_, std::move(storage_members), r, w);
    fingerprint_ = std::move(fingerprint);
  }
  return view_;
}

}  // namespace dispotify::cli
