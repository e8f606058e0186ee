#include "raft/types.h"

#include "base/check.h"

namespace dispotify::raft {

LogIndex LogIndex::operator-(uint64_t count) const {
  DISPOTIFY_CHECK_MSG(count <= value_, "log index underflow");
  return LogIndex(value_ - count);
}

uint64_t LogIndex::operator-(LogIndex other) const {
  DISPOTIFY_CHECK_MSG(other.value_ <= value_, "log index distance underflow");
  return value_ - other.value_;
}

}  // namespace dispotify::raft
