// Where blob copies are: the replica rows that uploads, repairs and the
// garbage collector keep up to date. Reference counts are not kept here:
// triggers on tracks maintain them (schema v5).
#include "apply_blobs.h"

#include <limits>

#include "base/sha256.h"
#include "catalog/apply.h"

namespace dispotify::catalog {
namespace {

// An upload writes to at most R (<= 7) owners and each track has an audio
// and a cover blob; anything longer is not one of ours.
constexpr size_t kBlobsPerCommandMax = 1024;
constexpr size_t kNodesPerBlobMax = 16;
constexpr size_t kPlacementKeyBytesMax = 128;

Status validate(const BlobCopies& b) {
  if (!is_sha256_hex(b.hash)) return invalid("blob hash must be 64 lowercase hex digits");
  if (b.size_bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return invalid("blob size_bytes is out of range");
  }
  if (b.node_ids.size() > kNodesPerBlobMax) return invalid("a blob lists more than 16 nodes");
  if (b.placement_key.size() > kPlacementKeyBytesMax) return invalid("blob placement key is too long");
  for (const std::string& node : b.node_ids) {
    if (!is_node_id(node)) return invalid("node id must be 16 lowercase hex digits");
  }
  return ok_status();
}

}  // namespace

bool is_node_id(std::string_view id) {
  if (id.size() != kNodeIdHexLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status validate_blob_copies(const std::vector<BlobCopies>& blobs) {
  if (blobs.size() > kBlobsPerCommandMax) return invalid("too many blobs in one command");
  for (const BlobCopies& b : blobs) DISPOTIFY_TRY(validate(b));
  return ok_status();
}

Status record_blob_copies(Db& db, const std::vector<BlobCopies>& blobs) {
  for (const BlobCopies& b : blobs) {
    {
      // The size the writer measured wins over the 0 a trigger may have
      // written for a cover.
      DISPOTIFY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.prepare_cached("INSERT INTO blobs (hash, size_bytes, placement_key) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (hash) DO UPDATE SET size_bytes = excluded.size_bytes, "
                            "placement_key = CASE WHEN blobs.refs = 0 THEN excluded.placement_key "
                            "ELSE blobs.placement_key END"));
      stmt.bind(1, b.hash).bind(2, static_cast<int64_t>(b.size_bytes)).bind(3, b.placement_key);
      DISPOTIFY_TRY(stmt.run());
    }
    for (const std::string& node : b.node_ids) DISPOTIFY_TRY(record_blob_copies_on(db, b.hash, node));
  }
  return ok_status();
}

Status record_blob_copies_on(Db& db, std::string_view hash, std::string_view node_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("INSERT OR IGNORE INTO blob_replicas (hash, node_id) SELECT ?1, ?2 "
                                        "WHERE EXISTS (SELECT 1 FROM members WHERE node_id = ?2)"));
  stmt.bind(1, hash).bind(2, node_id);
  return stmt.run();
}

Status forget_node_replicas(Db& db, std::string_view node_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("DELETE FROM blob_replicas WHERE node_id = ?1"));
  stmt.bind(1, node_id);
  DISPOTIFY_TRY(stmt.run());
  DISPOTIFY_ASSIGN_OR_RETURN(Statement tasks,
                             db.prepare_cached("DELETE FROM repair_tasks WHERE target_node = ?1"));
  tasks.bind(1, node_id);
  return tasks.run();
}

}  // namespace dispotify::catalog
