#include "cluster/repair_planner.h"

#include <gtest/gtest.h>

#include "base/sha256.h"

namespace dispotify::cluster {
namespace {

std::vector<storage::StorageMember> members(size_t n) {
  std::vector<storage::StorageMember> out;
  for (size_t i = 0; i < n; ++i) out.push_back({"00000000000000a" + std::to_string(i), "127.0.0.1:1"});
  return out;
}

std::string node(size_t i) { return "00000000000000a" + std::to_string(i); }

catalog::BlobRecord blob(const std::string& name, std::vector<std::string> replicas) {
  return catalog::BlobRecord{sha256_hex(name), 100, 1, "", std::move(replicas)};
}

RepairPlanInput input_for(const storage::StorageView& view, std::vector<catalog::BlobRecord> blobs) {
  RepairPlanInput in;
  in.view = &view;
  in.under_replicated = std::move(blobs);
  in.now_ms = 1000;
  in.lease_ms = 500;
  in.task_id_prefix = "t";
  return in;
}

TEST(RepairPlanner, AssignsTheMissingCopiesToThePreferenceListInOrder) {
  auto view = storage::make_storage_view(node(0), members(5), 3, 2);
  const auto b = blob("x", {node(0)});
  auto plan = plan_repairs(input_for(*view, {b}));
  ASSERT_TRUE(plan.assign.has_value());
  ASSERT_EQ(plan.assign->tasks.size(), 2U);
  auto preference = view->ring->preference_list(b.hash, 5);
  std::erase(preference, node(0));
  EXPECT_EQ(plan.assign->tasks[0].target_node, preference[0]);
  EXPECT_EQ(plan.assign->tasks[1].target_node, preference[1]);
  EXPECT_EQ(plan.assign->tasks[0].lease_expires_ms, 1500);
  EXPECT_NE(plan.assign->tasks[0].task_id, plan.assign->tasks[1].task_id);
}

TEST(RepairPlanner, DownNodesAreNeitherSourcesNorTargets) {
  auto view = storage::make_storage_view(node(0), members(4), 3, 2);
  auto in = input_for(*view, {blob("x", {node(1), node(2)})});
  in.down = {node(2), node(3)};
  auto plan = plan_repairs(in);
  ASSERT_TRUE(plan.assign.has_value());
  ASSERT_EQ(plan.assign->tasks.size(), 1U);  // node(1) is the only live holder; node(0) the only live target
  EXPECT_EQ(plan.assign->tasks[0].target_node, node(0));
  in.down = {node(1), node(2)};
  EXPECT_TRUE(plan_repairs(in).empty()) << "no live holder: nothing to copy from";
}

TEST(RepairPlanner, OpenTasksCountAndExpiredOnesAreCancelledAndPlannedAgain) {
  auto view = storage::make_storage_view(node(0), members(3), 3, 2);
  const auto b = blob("x", {node(0), node(1)});
  auto in = input_for(*view, {b});
  in.tasks = {catalog::RepairTask{"old", b.hash, node(2), 0, 2000}};
  EXPECT_TRUE(plan_repairs(in).empty()) << "the copy is already assigned";
  in.tasks[0].lease_expires_ms = 1000;  // expired now
  auto plan = plan_repairs(in);
  ASSERT_TRUE(plan.assign.has_value());
  EXPECT_EQ(plan.assign->cancelled_task_ids, std::vector<std::string>{"old"});
  ASSERT_EQ(plan.assign->tasks.size(), 1U);
  EXPECT_EQ(plan.assign->tasks[0].target_node, node(2));
}

TEST(RepairPlanner, TasksOfRemovedMembersAreCancelled) {
  auto view = storage::make_storage_view(node(0), members(3), 3, 2);
  auto in = input_for(*view, {});
  in.tasks = {catalog::RepairTask{"gone", sha256_hex("y"), "00000000000000ff", 0, 5000}};
  auto plan = plan_repairs(in);
  ASSERT_TRUE(plan.assign.has_value());
  EXPECT_EQ(plan.assign->cancelled_task_ids, std::vector<std::string>{"gone"});
}

// A task given to a node that then went down (a new leader's first plan,
// before it knew) is cancelled once the node counts as down, and its copy
// goes to a live node at once rather than when the lease runs out.
TEST(RepairPlanner, TasksOfDownNodesAreCancelledAndReassigned) {
  auto view = storage::make_storage_view(node(0), members(4), 3, 2);
  const auto b = blob("x", {node(0), node(1)});
  auto in = input_for(*view, {b});
  in.tasks = {catalog::RepairTask{"stuck", b.hash, node(3), 900, 100'000}};
  EXPECT_TRUE(plan_repairs(in).empty()) << "node(3) is up: its task stands";
  in.down = {node(3)};
  auto plan = plan_repairs(in);
  ASSERT_TRUE(plan.assign.has_value());
  EXPECT_EQ(plan.assign->cancelled_task_ids, std::vector<std::string>{"stuck"});
  ASSERT_EQ(plan.assign->tasks.size(), 1U);
  EXPECT_EQ(plan.assign->tasks[0].target_node, node(2));
}

TEST(RepairPlanner, AtMostTheInFlightLimitIsAssigned) {
  auto view = storage::make_storage_view(node(0), members(5), 3, 2);
  std::vector<catalog::BlobRecord> blobs;
  for (int i = 0; i < 100; ++i) blobs.push_back(blob("b" + std::to_string(i), {node(0)}));
  auto plan = plan_repairs(input_for(*view, blobs));
  ASSERT_TRUE(plan.assign.has_value());
  EXPECT_EQ(plan.assign->tasks.size(), kRepairTasksInFlightMax);
}

TEST(RepairPlanner, ReplicationIsCappedAtTheClusterSize) {
  auto view = storage::make_storage_view(node(0), members(2), 3, 2);
  EXPECT_TRUE(plan_repairs(input_for(*view, {blob("x", {node(0), node(1)})})).empty());
}

TEST(RepairPlanner, AFullMemberGetsNoCopyAndKeepsOthersFromBecomingSurplus) {
  auto healthy = members(5);
  const auto b = blob("x", {node(0)});
  auto probe = storage::make_storage_view(node(0), healthy, 3, 2);
  auto preference = probe->ring->preference_list(b.hash, 5);
  std::erase(preference, node(0));
  // The first choice for a new copy is below --min-free-disk.
  for (auto& m : healthy) m.full = m.node_id == preference[0];
  auto view = storage::make_storage_view(node(0), healthy, 3, 2);
  auto plan = plan_repairs(input_for(*view, {b}));
  ASSERT_TRUE(plan.assign.has_value());
  ASSERT_EQ(plan.assign->tasks.size(), 2U);
  EXPECT_EQ(plan.assign->tasks[0].target_node, preference[1]);
  EXPECT_EQ(plan.assign->tasks[1].target_node, preference[2]);
  // Placement: an owner that is full and lacks its copy gets none, and the
  // copy standing in for it elsewhere stays.
  const auto owners = view->ring->owners(b.hash, 3);
  ASSERT_NE(std::find(owners.begin(), owners.end(), preference[0]), owners.end());
  catalog::BlobRecord placed = b;
  placed.replicas.clear();
  for (const auto& n : owners) {
    if (n != preference[0]) placed.replicas.push_back(n);
  }
  for (const auto& n : view->ring->preference_list(b.hash, 5)) {
    if (std::find(owners.begin(), owners.end(), n) == owners.end()) {
      placed.replicas.push_back(n);  // the stand-in for the full owner
      break;
    }
  }
  auto in = input_for(*view, {});
  in.placement_page = {placed};
  plan = plan_repairs(in);
  EXPECT_FALSE(plan.assign.has_value());
  EXPECT_TRUE(plan.surplus.empty());
}

}  // namespace
}  // namespace dispotify::cluster

namespace dispotify::cluster {
namespace {

TEST(RepairPlanner, ANewOwnerGetsItsCopyAndOnlyThenTheOldCopyIsSurplus) {
  // Four members; the blob sits on the three that were there first, but a
  // fourth now owns it.
  auto view = storage::make_storage_view(node(0), members(4), 3, 2);
  catalog::BlobRecord b;
  std::vector<std::string> owners;
  for (int i = 0; i < 200; ++i) {
    b = blob("moved" + std::to_string(i), {});
    owners = view->ring->owners(b.hash, 3);
    if (std::find(owners.begin(), owners.end(), node(3)) != owners.end()) break;
  }
  ASSERT_NE(std::find(owners.begin(), owners.end(), node(3)), owners.end());
  b.replicas = {node(0), node(1), node(2)};
  auto in = input_for(*view, {});
  in.placement_page = {b};
  auto plan = plan_repairs(in);
  ASSERT_TRUE(plan.assign.has_value());
  ASSERT_EQ(plan.assign->tasks.size(), 1U);
  EXPECT_EQ(plan.assign->tasks[0].target_node, node(3));
  EXPECT_TRUE(plan.surplus.empty()) << "no old copy goes before the new one is durable";
  // The new copy is done: the holder that is not an owner is surplus.
  b.replicas.push_back(node(3));
  in.placement_page = {b};
  plan = plan_repairs(in);
  EXPECT_FALSE(plan.assign.has_value());
  ASSERT_EQ(plan.surplus.size(), 1U);
  EXPECT_EQ(std::find(owners.begin(), owners.end(), plan.surplus[0].node_id), owners.end());
  EXPECT_EQ(plan.surplus[0].hashes, std::vector<std::string>{b.hash});
  // While an owner is down, nothing is surplus.
  in.unreachable = {owners[0]};
  EXPECT_TRUE(plan_repairs(in).surplus.empty());
}

}  // namespace
}  // namespace dispotify::cluster
