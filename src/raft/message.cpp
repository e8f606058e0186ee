#include "raft/message.h"

namespace dispotify::raft {

const char* payload_name(const Payload& payload) {
  static constexpr const char* kNames[] = {
      "RequestVote",      "RequestVoteResponse",     "AppendEntries", "AppendEntriesResponse",
      "InstallSnapshot",  "InstallSnapshotResponse", "TimeoutNow",    "ReadIndexRequest",
      "ReadIndexResponse"};
  static_assert(std::size(kNames) == std::variant_size_v<Payload>);
  return kNames[payload.index()];
}

}  // namespace dispotify::raft
