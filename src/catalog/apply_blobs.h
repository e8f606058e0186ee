// Replica rows of blobs, shared by the apply paths that change them.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "catalog/sqlite_db.h"
#include "catalog/types.h"

namespace dispotify::catalog {

inline constexpr size_t kNodeIdHexLength = 16;

bool is_node_id(std::string_view id);
[[nodiscard]] Status validate_blob_copies(const std::vector<BlobCopies>& blobs);
// Upserts each blob's row and adds its replica rows (existing ones stay).
[[nodiscard]] Status record_blob_copies(Db& db, const std::vector<BlobCopies>& blobs);
// One replica row (the blob row must exist); none for a node that is not a
// member, so that blobs.replicas counts the copies on members.
[[nodiscard]] Status record_blob_copies_on(Db& db, std::string_view hash, std::string_view node_id);
// A removed member holds nothing the cluster may count on.
[[nodiscard]] Status forget_node_replicas(Db& db, std::string_view node_id);

}  // namespace dispotify::catalog
