#include "raft/progress.h"

#include <algorithm>

#include "base/check.h"
#include "raft/snapshot.h"

namespace dispotify::raft {

bool Progress::is_paused() const {
  switch (state) {
    case State::probe: return probe_sent;
    case State::replicate: return inflight.size() >= kInflightAppendsMax;
    case State::snapshot:
      // Offsets advance by whole chunks, so this counts chunks in flight.
      return snapshot_offset_sent - snapshot_offset_acked >=
             kSnapshotChunksInflightMax * snapshot_chunk_bytes;
  }
  return true;
}

bool Progress::update_match(LogIndex index) {
  const bool advanced = index > match;
  if (advanced) match = index;
  next = std::max(next, match + 1);
  while (!inflight.empty() && inflight.front() <= match) inflight.pop_front();
  check();
  return advanced;
}

void Progress::become_probe(LogIndex next_index) {
  DISPOTIFY_CHECK(next_index > match);
  reset_state(State::probe);
  next = next_index;
  check();
}

void Progress::become_replicate() {
  reset_state(State::replicate);
  next = match + 1;
  check();
}

void Progress::become_snapshot(LogIndex snapshot_index, uint64_t chunk_bytes) {
  DISPOTIFY_CHECK(!snapshot_index.is_zero());
  DISPOTIFY_CHECK(chunk_bytes > 0 && chunk_bytes <= kSnapshotChunkBytesMax);
  reset_state(State::snapshot);
  pending_snapshot = snapshot_index;
  snapshot_chunk_bytes = chunk_bytes;
  check();
}

void Progress::reset_state(State new_state) {
  state = new_state;
  probe_sent = false;
  inflight.clear();
  stalled_heartbeats = 0;
  pending_snapshot = LogIndex();
  snapshot_offset_acked = 0;
  snapshot_offset_sent = 0;
  snapshot_offset_at_last_heartbeat = 0;
  snapshot_chunk_bytes = 0;
  snapshot_offset_resent_from = kNoOffset;
}

void Progress::sent_entries(LogIndex last) {
  DISPOTIFY_CHECK(last >= next);
  DISPOTIFY_CHECK(state != State::snapshot);
  if (state == State::replicate) {
    DISPOTIFY_CHECK(inflight.size() < kInflightAppendsMax);
    DISPOTIFY_CHECK(inflight.empty() || inflight.back() < last);
    next = last + 1;
    inflight.push_back(last);
  } else {
    probe_sent = true;
  }
  check();
}

void Progress::sent_snapshot_chunk() {
  DISPOTIFY_CHECK(state == State::snapshot && !is_paused());
  snapshot_offset_sent += snapshot_chunk_bytes;
  check();
}

void Progress::snapshot_acked(uint64_t next_offset, bool rejected) {
  DISPOTIFY_CHECK(state == State::snapshot);
  if (next_offset > snapshot_offset_acked) {
    // Accepted, or the follower is further than we knew (an answer was lost).
    snapshot_offset_acked = next_offset;
    snapshot_offset_sent = std::max(snapshot_offset_sent, next_offset);
  } else if (rejected && next_offset < snapshot_offset_acked) {
    // It lost its partial file (a restart) or holds another snapshot:
    // start again where it is. (A stale answer costs a window of resends.)
    snapshot_offset_acked = next_offset;
    snapshot_offset_sent = next_offset;
    snapshot_offset_resent_from = next_offset;
  } else if (rejected && snapshot_offset_resent_from != next_offset) {
    // A gap: the chunk at next_offset was lost or overtaken. Resend from it
    // once; every later chunk in flight is answered the same way, and
    // resending for each of them would multiply the traffic. If the resent
    // chunk is lost too, the stall timer resends.
    snapshot_offset_sent = next_offset;
    snapshot_offset_resent_from = next_offset;
  }
  check();
}

void Progress::snapshot_retry() {
  DISPOTIFY_CHECK(state == State::snapshot);
  snapshot_offset_sent = snapshot_offset_acked;
  snapshot_offset_resent_from = snapshot_offset_acked;
  stalled_heartbeats = 0;
  check();
}

void Progress::check() const {
  DISPOTIFY_CHECK(match < next);
  DISPOTIFY_CHECK(inflight.size() <= kInflightAppendsMax);
  DISPOTIFY_CHECK(state == State::replicate || inflight.empty());
  DISPOTIFY_CHECK((state == State::snapshot) == !pending_snapshot.is_zero());
  DISPOTIFY_CHECK(snapshot_offset_acked <= snapshot_offset_sent);
  DISPOTIFY_CHECK(state == State::snapshot || snapshot_offset_sent == 0);
  DISPOTIFY_CHECK((state == State::snapshot) == (snapshot_chunk_bytes > 0));
}

}  // namespace dispotify::raft
