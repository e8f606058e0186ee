// Self-healing storage on every node (issue 5): one thread that, each
// interval,
//  - tells the cluster when this node's disk crosses --min-free-disk
//    (SetStorageFull; see disk_reserve.h), so new copies go elsewhere;
//  - on the leader: plans repairs (repair_planner.h) and proposes them;
//  - on every node: works on the repair tasks assigned to it, copying each
//    blob from a live holder (hash checked at commit) at a bounded rate,
//    then proposes CompleteRepair;
//  - deletes local copies of blobs no track uses any more (after a grace
//    period) and proposes DropReplicas for them;
//  - walks its blob files (a slice each round) and settles the ones the
//    catalog does not list here: a surplus copy (the blob has R listed
//    copies elsewhere) or a stray (no catalog entry, e.g. a failed upload)
//    is deleted once older than the grace period; a good copy of a blob
//    short of copies is recorded as a replica;
//  - proposes DropReplicas for local copies found corrupt or missing
//    (reported by the blob store, the scrubber, or a failed read; and a
//    page of the replicas the catalog records here is checked each round,
//    so a deleted file is noticed too).
//
// A worker stops a copy lease_margin_ms before the task's lease ends, by
// its own clock: the leader cancels a task only after the lease, so with
// clocks closer than the margin no two nodes work on one task.
//
// Thread-safety: report_lost() from any thread; start()/stop() once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/proposer.h"
#include "storage/replicated_blob_store.h"

namespace dispotify::cluster {

struct RepairOptions {
  uint64_t interval_ms = 1'000;
  int64_t lease_ms = 120'000;
  int64_t lease_margin_ms = 10'000;
  // --rebalance-rate: bytes per second this node copies for repairs.
  uint64_t copy_bytes_per_second = 64ULL << 20;
  // --rereplicate-after: a member unreachable this long no longer counts
  // as a holder; its blobs get new copies elsewhere.
  uint64_t rereplicate_after_ms = 600'000;
  // A copy of a blob no track uses is deleted once its file is this old:
  // a new upload of the same bytes rewrites the file (fresh mtime) before
  // it references the blob again, and does so within seconds.
  uint64_t garbage_grace_ms = 60'000;
};

// Members this node has not reached for at least `ms` (by node id).
using DownNodesFn = std::function<std::set<std::string>(uint64_t ms)>;

class RepairLoop {
 public:
  RepairLoop(catalog::Catalog& catalog, catalog::Proposer& proposer, storage::ReplicatedBlobStore& blobs,
             std::function<bool()> is_leader, DownNodesFn down_nodes, RepairOptions options);
  ~RepairLoop();
  RepairLoop(const RepairLoop&) = delete;
  RepairLoop& operator=(const RepairLoop&) = delete;

  void start();
  void stop();
  // This node's copy of `hash` is gone (corrupt, missing): forget the
  // replica, so that the leader has it copied again.
  void report_lost(const std::string& hash);
  // Copies done by this node since start (for tests and metrics).
  uint64_t copies_done() const { return copies_done_.load(); }

 private:
  void run();
  void plan();
  void work();
  void drop_lost();
  void announce_disk_state();
  void audit_local_copies();
  void collect_garbage();
  void walk_local_files();
  void settle_local_file(const std::string& hash, int64_t age_ms);
  [[nodiscard]] Status copy(const catalog::RepairTask& task);
  bool stopping() const { return stopping_.load(); }

  catalog::Catalog& catalog_;
  catalog::Proposer& proposer_;
  storage::ReplicatedBlobStore& blobs_;
  std::function<bool()> is_leader_;
  DownNodesFn down_nodes_;
  RepairOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::string> lost_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> copies_done_{0};
  uint64_t plans_ = 0;                // loop thread only
  std::string audit_after_hash_;      // loop thread only: where the next audit page starts
  std::string placement_after_hash_;  // loop thread only: the next page the placement pass checks
  size_t walk_fan_out_ = 0;           // loop thread only: the blob directory the local walk visits next
  std::thread thread_;
};

}  // namespace dispotify::cluster
