#include "raft/progress.h"

#include <algorithm>

#include "base/check.h"

namespace dispotify::raft {

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
  state = State::probe;
  next = next_index;
  probe_sent = false;
  inflight.clear();
  stalled_heartbeats = 0;
  check();
}

void Progress::become_replicate() {
  state = State::replicate;
  next = match + 1;
  probe_sent = false;
  inflight.clear();
  stalled_heartbeats = 0;
  check();
}

void Progress::sent_entries(LogIndex last) {
  DISPOTIFY_CHECK(last >= next);
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

void Progress::check() const {
  DISPOTIFY_CHECK(match < next);
  DISPOTIFY_CHECK(inflight.size() <= kInflightAppendsMax);
  DISPOTIFY_CHECK(state == State::replicate || inflight.empty());
}

}  // namespace dispotify::raft
