// The leader's repair plan (DESIGN.md "Consistency and failures": long jobs
// are tasks the leader assigns through the log). Pure: from the catalog's
// under-replicated blobs, the open tasks, the nodes that count as down and
// the time, it decides which copies to make where; the command it returns
// is proposed, and every node learns its tasks by applying it.
//
// A blob wants R copies on live members, and eventually on its owners (the
// first R members of its preference list): a page of the blobs in use is
// checked each round (rebalancing after a join, or after copies were made
// elsewhere while an owner was down). A missing owner copy is assigned like
// a repair; once every owner is up and holds it, the replica rows of the
// other holders are dropped, and those nodes delete their surplus copies
// (RepairLoop's local walk), so an old copy goes only after the new ones
// are durable. Its new copies go to the first
// members of its preference list that neither hold it nor are down nor
// already have the copy assigned; a copy is assigned only when some live
// member holds the blob (the source). A task whose lease expired is
// cancelled, so its copy is planned again, possibly elsewhere: the target
// that let it expire stops working on it before the lease ends (see
// RepairWorker), so two nodes never work on one task.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/command.h"
#include "storage/storage_view.h"

namespace dispotify::cluster {

// Copies assigned at once, cluster-wide: bounds the log traffic and the
// transfers competing with listeners.
inline constexpr size_t kRepairTasksInFlightMax = 32;

struct RepairPlanInput {
  const storage::StorageView* view = nullptr;
  std::vector<catalog::BlobRecord> under_replicated;  // with their replicas
  std::vector<catalog::BlobRecord> placement_page;    // blobs in use to check for placement
  std::vector<catalog::RepairTask> tasks;             // open tasks
  std::set<std::string> down;                         // members not counted as holders nor targets
  // Members not reachable right now (a superset of `down`): the placement
  // pass neither copies to them nor drops surplus copies while an owner is
  // among them.
  std::set<std::string> unreachable;
  int64_t now_ms = 0;
  int64_t lease_ms = 0;
  std::string task_id_prefix;  // task ids are prefix + "-" + counter
};

struct RepairPlan {
  std::optional<catalog::AssignRepairs> assign;
  std::vector<catalog::DropReplicas> surplus;  // per node: replicas no longer needed
  bool empty() const { return !assign && surplus.empty(); }
};

RepairPlan plan_repairs(const RepairPlanInput& input);

}  // namespace dispotify::cluster
