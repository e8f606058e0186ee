#include "cluster/repair_planner.h"

#include <algorithm>
#include <map>

#include "base/check.h"

namespace dispotify::cluster {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

RepairPlan plan_repairs(const RepairPlanInput& input) {
  DISPOTIFY_CHECK(input.view != nullptr && input.view->ring != nullptr);
  const storage::StorageView& view = *input.view;
  catalog::AssignRepairs plan;
  std::vector<catalog::RepairTask> open;
  for (const catalog::RepairTask& t : input.tasks) {
    // A target down past --rereplicate-after will not do the copy: its
    // lease would hold the blob short of copies until it ran out.
    if (t.lease_expires_ms <= input.now_ms || view.member(t.target_node) == nullptr ||
        input.down.contains(t.target_node)) {
      plan.cancelled_task_ids.push_back(t.task_id);
    } else {
      open.push_back(t);
    }
  }
  size_t in_flight = open.size();
  size_t counter = 0;
  std::vector<catalog::RepairTask> new_tasks;  // counted as open by the placement pass
  for (const catalog::BlobRecord& blob : input.under_replicated) {
    if (in_flight >= kRepairTasksInFlightMax) break;
    std::vector<std::string> live_holders;
    for (const std::string& node : blob.replicas) {
      if (view.member(node) != nullptr && !input.down.contains(node)) live_holders.push_back(node);
    }
    if (live_holders.empty()) continue;  // no source: nothing to copy from (yet)
    std::vector<std::string> pending;
    for (const catalog::RepairTask& t : open) {
      if (t.hash == blob.hash) pending.push_back(t.target_node);
    }
    const size_t have = live_holders.size() + pending.size();
    if (have >= view.replication_factor) continue;
    size_t needed = view.replication_factor - have;
    const std::string& key = blob.placement_key.empty() ? blob.hash : blob.placement_key;
    for (const std::string& node : view.ring->preference_list(key, view.members.size())) {
      if (needed == 0 || in_flight >= kRepairTasksInFlightMax) break;
      if (input.down.contains(node) || !view.takes_new_copies(node) || contains(blob.replicas, node) ||
          contains(pending, node)) {
        continue;
      }
      plan.tasks.push_back(catalog::RepairTask{input.task_id_prefix + "-" + std::to_string(counter++),
                                               blob.hash, node, input.now_ms, input.now_ms + input.lease_ms});
      new_tasks.push_back(plan.tasks.back());
      --needed;
      ++in_flight;
    }
  }
  open.insert(open.end(), new_tasks.begin(), new_tasks.end());
  std::map<std::string, std::vector<std::string>> surplus;  // node -> hashes
  for (const catalog::BlobRecord& blob : input.placement_page) {
    const std::string& key = blob.placement_key.empty() ? blob.hash : blob.placement_key;
    const std::vector<std::string> owners = view.ring->owners(key, view.replication_factor);
    bool owners_complete = true;
    for (const std::string& owner : owners) {
      if (contains(blob.replicas, owner) && !input.unreachable.contains(owner)) continue;
      owners_complete = false;
      const bool pending = std::any_of(open.begin(), open.end(), [&](const catalog::RepairTask& t) {
        return t.hash == blob.hash && t.target_node == owner;
      });
      if (pending || input.unreachable.contains(owner) || !view.takes_new_copies(owner) ||
          contains(blob.replicas, owner)) {
        continue;  // an owner that is full keeps the surplus copies where they are
      }
      if (in_flight >= kRepairTasksInFlightMax) continue;
      const bool has_source = std::any_of(
          blob.replicas.begin(), blob.replicas.end(),
          [&](const std::string& n) { return view.member(n) != nullptr && !input.unreachable.contains(n); });
      if (!has_source) continue;
      catalog::RepairTask task{input.task_id_prefix + "-" + std::to_string(counter++), blob.hash, owner,
                               input.now_ms, input.now_ms + input.lease_ms};
      open.push_back(task);
      plan.tasks.push_back(std::move(task));
      ++in_flight;
    }
    if (!owners_complete) continue;
    for (const std::string& holder : blob.replicas) {
      if (!contains(owners, holder)) surplus[holder].push_back(blob.hash);
    }
  }
  RepairPlan out;
  if (!plan.tasks.empty() || !plan.cancelled_task_ids.empty()) out.assign = std::move(plan);
  for (auto& [node, hashes] : surplus) out.surplus.push_back(catalog::DropReplicas{node, std::move(hashes)});
  return out;
}

}  // namespace dispotify::cluster
