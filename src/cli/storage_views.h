// The replicated store's view of the cluster, read from this node's
// catalog: the committed members, their peer addresses and the replication
// settings. The placement ring is rebuilt only when the membership changes.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "storage/storage_view.h"

namespace dispotify::cli {

class CatalogStorageViews {
 public:
  CatalogStorageViews(catalog::Catalog& catalog, std::string self_id)
      : catalog_(catalog), self_id_(std::move(self_id)) {}

  // The latest view; the previous one when the catalog cannot be read.
  std::shared_ptr<const storage::StorageView> current();

 private:
  catalog::Catalog& catalog_;
  const std::string self_id_;
  std::mutex mutex_;
  std::string fingerprint_;                           // guarded by mutex_
  std::shared_ptr<const storage::StorageView> view_;  // guarded by mutex_
};

}  // namespace dispotify::cli
