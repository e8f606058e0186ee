#include "cluster/repair_loop.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "base/clock.h"
#include "base/fs.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "base/thread_name.h"
#include "cluster/repair_planner.h"
#include "storage/blob_verifier.h"
#include "storage/disk_reserve.h"

namespace dispotify::cluster {
namespace {

constexpr size_t kCopyChunkBytes = 256 * 1024;
constexpr int64_t kPlanBlobsMax = 4096;
constexpr size_t kLostPerProposalMax = 1024;
constexpr int64_t kAuditPageBlobs = 512;
constexpr int64_t kPlacementPageBlobs = 512;
constexpr size_t kWalkFilesPerRound = 2048;
constexpr size_t kFanOutDirs = 256;
// The walk over the local files goes through every fan-out directory once
// in about this long, a slice per round: on a sparse store, a whole walk
// per round (every second) was ~800 directory syscalls a second on an idle
// node, for strays and surplus copies that can wait seconds.
constexpr uint64_t kWalkSweepMs = 10'000;
// An interrupted copy nobody continued for this long is deleted: its task
// went to another node (a restart takes seconds; a node down for
// --rereplicate-after has had its work planned elsewhere).
constexpr int64_t kResumeKeepMs = 30 * 60 * 1000;

}  // namespace

RepairLoop::RepairLoop(catalog::Catalog& catalog, catalog::Proposer& proposer,
                       storage::ReplicatedBlobStore& blobs, std::function<bool()> is_leader,
                       DownNodesFn down_nodes, RepairOptions options)
    : catalog_(catalog),
      proposer_(proposer),
      blobs_(blobs),
      is_leader_(std::move(is_leader)),
      down_nodes_(std::move(down_nodes)),
      options_(options) {}

RepairLoop::~RepairLoop() { stop(); }

void RepairLoop::start() {
  thread_ = std::thread([this] {
    name_this_thread("repair");
    run();
  });
}

void RepairLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RepairLoop::report_lost(const std::string& hash) {
  {
    std::lock_guard lock(mutex_);
    lost_.insert(hash);
  }
  wake_.notify_all();
}

void RepairLoop::run() {
  while (!stopping()) {
    announce_disk_state();
    audit_local_copies();
    collect_garbage();
    walk_local_files();
    drop_lost();
    if (is_leader_()) plan();
    work();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                   [this] { return stopping_.load() || !lost_.empty(); });
  }
}

void RepairLoop::drop_lost() {
  std::vector<std::string> hashes;
  {
    std::lock_guard lock(mutex_);
    while (!lost_.empty() && hashes.size() < kLostPerProposalMax)
      hashes.push_back(lost_.extract(lost_.begin()).value());
  }
  if (hashes.empty()) return;
  const std::string self = blobs_.view()->self_id;
  if (auto dropped = proposer_.propose(catalog::DropReplicas{self, hashes}); !dropped.ok()) {
    log::warn("cannot record lost blob copies; retrying",
              {{"count", hashes.size()}, {"error", dropped.error().message}});
    std::lock_guard lock(mutex_);
    lost_.insert(hashes.begin(), hashes.end());
  }
}

void RepairLoop::announce_disk_state() {
  const std::shared_ptr<const storage::StorageView> view = blobs_.view();
  const storage::StorageMember* self = view->member(view->self_id);
  if (self == nullptr) return;  // not a member (yet): nobody places copies here
  auto free = blobs_.local().free_bytes();
  if (!free.ok()) return;
  const auto full = storage::next_full_state(*free, blobs_.local().options().min_free_bytes, self->full);
  if (!full) return;
  if (auto told = proposer_.propose(catalog::SetStorageFull{view->self_id, *full}); !told.ok()) {
    log::warn("cannot record this node's disk state; retrying", {{"error", told.error().message}});
    return;
  }
  if (*full) {
    log::warn("disk below --min-free-disk: this node takes no new blob copies", {{"free_bytes", *free}});
  } else {
    log::info("disk has room again: this node takes new blob copies", {{"free_bytes", *free}});
  }
}

void RepairLoop::audit_local_copies() {
  const std::string self = blobs_.view()->self_id;
  auto page = catalog_.blobs_on(self, audit_after_hash_, kAuditPageBlobs);
  if (!page.ok()) return;
  audit_after_hash_ = page->empty() ? std::string() : page->back();
  for (const std::string& hash : *page) {
    auto present = blobs_.local().stat(hash);
    if (!present.ok() && present.error().code == Errc::not_found) {
      log::error("a blob copy the catalog lists here is missing", {{"hash", hash}});
      report_lost(hash);
    }
  }
}

void RepairLoop::collect_garbage() {
  const std::string self = blobs_.view()->self_id;
  auto garbage = catalog_.unreferenced_blobs_on(self, kLostPerProposalMax);
  if (!garbage.ok() || garbage->empty()) return;
  std::vector<std::string> deleted;
  const auto now_s = static_cast<int64_t>(now_unix_ms() / 1000);
  for (const std::string& hash : *garbage) {
    auto path = blobs_.local().local_path(hash);
    if (path.ok()) {
      struct stat st {};
      if (::stat(path->c_str(), &st) == 0 && now_s - static_cast<int64_t>(st.st_mtim.tv_sec) <
                                                 static_cast<int64_t>(options_.garbage_grace_ms / 1000)) {
        continue;  // written recently: maybe about to be referenced again
      }
      if (auto removed = blobs_.local().remove(hash); !removed.ok()) {
        log::warn("cannot delete an unused blob", {{"hash", hash}, {"error", removed.error().message}});
        continue;
      }
    }
    deleted.push_back(hash);
  }
  if (deleted.empty()) return;
  if (auto dropped = proposer_.propose(catalog::DropReplicas{self, deleted}); !dropped.ok()) {
    log::warn("cannot record deleted blob copies", {{"error", dropped.error().message}});
    return;
  }
  log::info("unused blob copies deleted", {{"count", deleted.size()}});
}

void RepairLoop::walk_local_files() {
  const std::string root = blobs_.local().options().root + "/sha256/";
  size_t seen = 0;
  const int64_t now_ms = now_unix_ms();
  if (walk_fan_out_ % kFanOutDirs == 0) blobs_.local().forget_stale_resumes(kResumeKeepMs, now_ms);
  const size_t dirs_per_round = std::clamp<size_t>(
      (kFanOutDirs * options_.interval_ms + kWalkSweepMs - 1) / kWalkSweepMs, 1, kFanOutDirs);
  for (size_t dirs = 0; dirs < dirs_per_round && seen < kWalkFilesPerRound && !stopping(); ++dirs) {
    const size_t i = walk_fan_out_++ % kFanOutDirs;
    const std::string dir = root + hex_byte(static_cast<uint8_t>(i));
    for (const std::string& hash : fs::list_dir(dir)) {
      if (!is_sha256_hex(hash)) continue;
      ++seen;
      struct stat st {};
      if (::stat((dir + "/" + hash).c_str(), &st) != 0) continue;
      const int64_t mtime_ms =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
      settle_local_file(hash, now_ms - mtime_ms);
    }
  }
}

void RepairLoop::settle_local_file(const std::string& hash, int64_t age_ms) {
  auto view = blobs_.view();
  auto record = catalog_.blob(hash);
  if (!record.ok()) return;
  const bool old_enough = age_ms >= static_cast<int64_t>(options_.garbage_grace_ms);
  const auto forget = [&](const char* why) {
    if (auto removed = blobs_.local().remove(hash); removed.ok()) {
      log::info("blob copy deleted", {{"hash", hash}, {"why", why}});
    }
  };
  if (!*record) {
    if (old_enough) forget("stray: not in the catalog");
    return;
  }
  const catalog::BlobRecord& blob = **record;
  if (std::find(blob.replicas.begin(), blob.replicas.end(), view->self_id) != blob.replicas.end()) return;
  if (blob.refs == 0) {
    if (old_enough) forget("unused");
    return;
  }
  size_t listed = 0;
  for (const std::string& node : blob.replicas) listed += view->member(node) != nullptr ? 1 : 0;
  if (listed >= view->replication_factor) {
    if (old_enough) forget("surplus: enough copies elsewhere");
    return;
  }
  // Short of copies and this one is not counted: count it, if it is good.
  auto fd = blobs_.local().open_verified(hash);
  if (!fd.ok()) return;
  if (auto recorded = proposer_.propose(catalog::CompleteRepair{"", view->self_id, hash}); recorded.ok()) {
    log::info("unlisted blob copy recorded", {{"hash", hash}});
  }
}

void RepairLoop::plan() {
  auto view = blobs_.view();
  if (view->members.empty()) return;
  const std::set<std::string> down = down_nodes_(options_.rereplicate_after_ms);
  auto blobs =
      catalog_.under_replicated_blobs(static_cast<int64_t>(view->replication_factor),
                                      std::vector<std::string>(down.begin(), down.end()), kPlanBlobsMax);
  auto tasks = catalog_.repair_tasks();
  auto page = catalog_.blobs_in_use(placement_after_hash_, kPlacementPageBlobs);
  if (!blobs.ok() || !tasks.ok() || !page.ok()) return;
  placement_after_hash_ = page->empty() ? std::string() : page->back().hash;
  if (blobs->empty() && tasks->empty() && page->empty()) return;
  RepairPlanInput input;
  input.view = view.get();
  input.under_replicated = std::move(*blobs);
  input.placement_page = std::move(*page);
  input.tasks = std::move(*tasks);
  input.down = down;
  input.unreachable = down_nodes_(0);
  input.unreachable.insert(down.begin(), down.end());
  input.now_ms = now_unix_ms();
  input.lease_ms = options_.lease_ms;
  input.task_id_prefix = random_hex(6) + "-" + std::to_string(plans_++);
  RepairPlan plan = plan_repairs(input);
  if (plan.assign) {
    if (auto proposed = proposer_.propose(*plan.assign); !proposed.ok()) {
      log::warn("cannot propose repairs", {{"error", proposed.error().message}});
      return;
    }
    log::info("repairs assigned",
              {{"tasks", plan.assign->tasks.size()}, {"cancelled", plan.assign->cancelled_task_ids.size()}});
  }
  for (const catalog::DropReplicas& drop : plan.surplus) {
    if (auto proposed = proposer_.propose(drop); !proposed.ok()) {
      log::warn("cannot drop surplus copies", {{"error", proposed.error().message}});
      return;
    }
    log::info("surplus blob copies released", {{"node", drop.node_id}, {"count", drop.hashes.size()}});
  }
}

void RepairLoop::work() {
  auto tasks = catalog_.repair_tasks();
  if (!tasks.ok()) return;
  const std::string self = blobs_.view()->self_id;
  for (const catalog::RepairTask& task : *tasks) {
    if (stopping()) return;
    if (task.target_node != self) continue;
    if (now_unix_ms() + options_.lease_margin_ms >= task.lease_expires_ms) continue;
    Status copied = blobs_.local().stat(task.hash).ok() ? ok_status() : copy(task);
    if (!copied.ok()) {
      log::warn("repair copy failed",
                {{"hash", task.hash}, {"task", task.task_id}, {"error", copied.error().message}});
      continue;
    }
    if (auto done = proposer_.propose(catalog::CompleteRepair{task.task_id, self, task.hash}); !done.ok()) {
      log::warn("cannot record a repaired copy", {{"hash", task.hash}, {"error", done.error().message}});
      continue;
    }
    ++copies_done_;
    log::info("blob copy repaired", {{"hash", task.hash}, {"task", task.task_id}});
  }
}

Status RepairLoop::copy(const catalog::RepairTask& task) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto record, catalog_.blob(task.hash));
  if (!record) return make_error(Errc::not_found, "blob is no longer in the catalog");
  const storage::BlobLocation location{record->hash, record->size_bytes, record->placement_key,
                                       record->replicas};
  // An interrupted copy (a lease that ran out, a restart, every holder
  // gone for a while) goes on from the byte where it stopped.
  DISPOTIFY_ASSIGN_OR_RETURN(auto writer, blobs_.local().resume_write(record->hash, record->size_bytes));
  const uint64_t resumed_at = writer->bytes_written();
  if (resumed_at > 0) {
    log::info("resuming a blob copy",
              {{"hash", record->hash}, {"at_byte", resumed_at}, {"size_bytes", record->size_bytes}});
  }
  std::shared_ptr<storage::ReplicaSource> source;
  if (resumed_at < record->size_bytes) source = blobs_.open_remote(location, resumed_at, record->size_bytes);
  std::vector<char> buffer(kCopyChunkBytes);
  const auto started = std::chrono::steady_clock::now();
  uint64_t copied = 0;
  while (source != nullptr) {
    if (stopping()) return make_error(Errc::unavailable, "stopping");
    if (now_unix_ms() + options_.lease_margin_ms >= task.lease_expires_ms) {
      return make_error(Errc::timeout, "the task's lease is about to end");
    }
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, source->read(buffer));
    if (n == 0) break;
    DISPOTIFY_TRY(writer->write({buffer.data(), n}));
    copied += n;
    // --rebalance-rate: sleep until this many bytes are due.
    const auto due = started + std::chrono::microseconds(copied * 1'000'000 / options_.copy_bytes_per_second);
    if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
  }
  // Named by the hash we computed: a copy that changed on the way is refused.
  DISPOTIFY_ASSIGN_OR_RETURN(auto stored, writer->commit(task.hash));
  (void)stored;
  return ok_status();
}

}  // namespace dispotify::cluster
