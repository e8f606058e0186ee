// The simulated disk of each node, written the way raft_node.h step 1 says
// a real shell writes it, one write at a time so that a crash can cut a
// Ready's persisting short: snapshot chunks into a partial file (a cut one
// is torn), the atomic rename of a complete snapshot, the log reduced to
// what follows it, whole entries in order, the hard state last.
#include "base/check.h"
#include "raft/sim/simulator.h"
#include "raft/sim/state_machine.h"

namespace dispotify::raft::sim {
namespace {

Status disk_error(const std::string& what) { return make_error(Errc::internal, "disk: " + what); }

}  // namespace

bool Simulator::persist(Disk& disk, const Ready& ready, uint64_t writes_max) {
  uint64_t writes = 0;
  const auto may_write = [&] { return writes++ < writes_max; };
  for (const SnapshotChunk& chunk : ready.snapshot_chunks) {
    if (!may_write()) {
      SnapshotChunk torn = chunk;  // the crash tears the chunk being written
      torn.data.resize(rng_.uniform(chunk.data.size() + 1));
      write_chunk(disk, torn);
      return false;
    }
    write_chunk(disk, chunk);
  }
  if (ready.snapshot.has_value()) {
    if (!may_write()) return false;
    finalize_snapshot(disk, *ready.snapshot);
    if (!may_write()) return false;
    disk.log = entries_after_snapshot(std::move(disk.log), disk.snapshot);
  }
  for (const Entry& entry : ready.entries) {
    if (!may_write()) return false;
    write_entry(disk, entry);
  }
  if (ready.hard_state.has_value()) {
    if (!may_write()) return false;
    DISPOTIFY_CHECK_MSG(ready.hard_state->current_term >= disk.hard_state.current_term,
                        "persisted term goes back");
    disk.hard_state = *ready.hard_state;
  }
  return true;
}

// A chunk at offset 0 starts a new partial file; every other chunk must
// continue the one being written (the core accepts chunks only in order).
void Simulator::write_chunk(Disk& disk, const SnapshotChunk& chunk) {
  if (chunk.offset == 0) {
    disk.partial_meta = chunk.meta;
    disk.partial_bytes.clear();
  }
  if (disk.partial_meta != chunk.meta || disk.partial_bytes.size() != chunk.offset) {
    fail(disk_error("chunk at offset " + std::to_string(chunk.offset) +
                    " does not continue the partial snapshot (" + std::to_string(disk.partial_bytes.size()) +
                    " bytes)"));
    return;
  }
  disk.partial_bytes += chunk.data;
}

// The rename: the received file becomes the current snapshot. It must
// decode (no torn or misassembled bytes) and match its meta.
void Simulator::finalize_snapshot(Disk& disk, const SnapshotMeta& meta) {
  if (disk.partial_meta != meta) {
    fail(disk_error("installing " + to_string(meta.index) + ", which was not received"));
    return;
  }
  const Result<std::vector<Entry>> state = decode_state(disk.partial_bytes);
  if (!state.ok()) {
    fail(disk_error("received snapshot: " + state.error().message));
    return;
  }
  if (state->size() != meta.index.value() || state->back().term != meta.term) {
    fail(disk_error("received snapshot does not end at its meta's index and term"));
    return;
  }
  disk.snapshot = meta;
  disk.snapshot_bytes = std::move(disk.partial_bytes);
  disk.partial_meta.reset();
  disk.partial_bytes.clear();
}

// Figure 2 / §5.3 rule 3 on disk: an entry already stored with the same
// term is kept; a different term replaces it and everything after it.
void Simulator::write_entry(Disk& disk, const Entry& entry) {
  const LogIndex snapshot_index = disk.snapshot.has_value() ? disk.snapshot->index : LogIndex();
  if (entry.index <= snapshot_index) return;  // covered by the snapshot
  if (!disk.log.empty() && entry.index >= disk.log.front().index && entry.index <= disk.log.back().index) {
    const size_t position = entry.index - disk.log.front().index;
    if (disk.log[position].term == entry.term) {
      if (!(disk.log[position] == entry)) fail(disk_error("two entries with the same index and term"));
      return;
    }
    disk.log.resize(position);
  }
  const LogIndex expected = disk.log.empty() ? snapshot_index + 1 : disk.log.back().index + 1;
  if (entry.index != expected) {
    fail(disk_error("writing " + to_string(entry.index) + " leaves a gap before it; expected " +
                    to_string(expected)));
    return;
  }
  disk.log.push_back(entry);
}

// What a leader's shell does on sending a chunk (raft_node.h step 2).
bool Simulator::fill_chunk(const Disk& disk, InstallSnapshot& chunk) const {
  if (disk.snapshot != chunk.meta) return false;                 // no longer kept
  if (chunk.offset >= disk.snapshot_bytes.size()) return false;  // asked ahead of the end
  DISPOTIFY_CHECK(chunk.data.empty() && !chunk.done);
  chunk.data = disk.snapshot_bytes.substr(chunk.offset, options_.snapshot_chunk_bytes);
  chunk.done = chunk.offset + chunk.data.size() == disk.snapshot_bytes.size();
  return true;
}

}  // namespace dispotify::raft::sim
