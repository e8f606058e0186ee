// Snapshots and log compaction (Raft paper §7, Figure 13; thesis §5),
// driven message by message; one test per sentence of the paper.
#include <gtest/gtest.h>

#include "raft/raft_node.h"

namespace dispotify::raft {
namespace {

const NodeId n1(1), n2(2), n3(3);
constexpr uint64_t kChunkBytes = 4;  // tiny chunks, so a transfer has several

Config config_of(NodeId id) {
  Config config;
  config.id = id;
  config.initial_conf.voters = {n1, n2, n3};
  config.pre_vote = false;
  config.check_quorum = false;
  config.random_seed = 7 + id.value();
  config.snapshot_chunk_bytes = kChunkBytes;
  return config;
}

const ConfState kConf{{n1, n2, n3}, {}};

std::vector<Message> drain(RaftNode& node) {
  std::vector<Message> sent;
  while (node.has_ready()) {
    Ready ready = node.ready();
    sent.insert(sent.end(), ready.messages.begin(), ready.messages.end());
    node.advance(ready);
  }
  return sent;
}

std::vector<Message> to(const std::vector<Message>& messages, NodeId peer) {
  std::vector<Message> out;
  for (const Message& m : messages) {
    if (m.to == peer) out.push_back(m);
  }
  return out;
}

std::vector<Entry> entries_with_terms(std::initializer_list<uint64_t> terms, uint64_t first_index = 1) {
  std::vector<Entry> entries;
  for (const uint64_t term : terms) {
    entries.push_back(Entry{Term(term), LogIndex(first_index + entries.size()), EntryType::normal, "x"});
  }
  return entries;
}

Message append_response(NodeId from, LogIndex match) {
  return Message{from, n1, Term(1), AppendEntriesResponse{.success = true, .match_index = match}};
}

Message snapshot_response(NodeId from, LogIndex index, uint64_t next_offset, bool rejected = false,
                          bool installed = false) {
  return Message{
      from, n1, Term(1),
      InstallSnapshotResponse{
          .snapshot_index = index, .next_offset = next_offset, .installed = installed, .rejected = rejected}};
}

Message chunk(LogIndex index, uint64_t offset, std::string data, bool done) {
  return Message{n1, n2, Term(1),
                 InstallSnapshot{SnapshotMeta{index, Term(1), kConf}, offset, std::move(data), done}};
}

// n1 leads term 1 with entries 1..10 (the no-op and nine proposals)
// committed through n3 and applied; n2 has acknowledged nothing yet (its
// first probe is still out). The log is compacted up to `snapshot_index`.
void make_leader_with_snapshot(RaftNode& node, LogIndex snapshot_index) {
  for (int i = 0; i < 100 && node.role() != Role::candidate; ++i) node.tick();
  node.step(Message{n2, n1, Term(1), RequestVoteResponse{true, false}});
  ASSERT_EQ(node.role(), Role::leader);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(node.propose("p" + std::to_string(i)).ok());
  node.step(append_response(n3, LogIndex(10)));
  drain(node);
  ASSERT_EQ(node.log().applied_index(), LogIndex(10));
  node.compact(node.snapshot_meta_at(snapshot_index), /*trailing_entries_kept=*/0);
  ASSERT_EQ(node.log().first_index(), snapshot_index + 1);
}

std::vector<uint64_t> chunk_offsets(const std::vector<Message>& messages) {
  std::vector<uint64_t> offsets;
  for (const Message& m : messages) {
    const auto* request = std::get_if<InstallSnapshot>(&m.payload);
    if (request == nullptr) continue;
    EXPECT_TRUE(request->data.empty()) << "the shell fills the data";
    EXPECT_FALSE(request->done) << "the shell marks the last chunk";
    offsets.push_back(request->offset);
  }
  return offsets;
}

// §7: "the leader must occasionally send snapshots to followers that lag
// behind. This happens when the leader has already discarded the next log
// entry that it needs to send to a follower."
TEST(Snapshot, LeaderSendsASnapshotWhenItDiscardedTheNextEntryAFollowerNeeds) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.step(append_response(n2, LogIndex(1)));  // n2 holds the no-op only; entry 2 is gone
  EXPECT_EQ(node.progress(n2).state, Progress::State::snapshot);
  EXPECT_EQ(node.progress(n2).pending_snapshot, LogIndex(8));
  const std::vector<Message> sent = to(drain(node), n2);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(std::get<InstallSnapshot>(sent[0].payload).meta, (SnapshotMeta{LogIndex(8), Term(1), kConf}));
  // A bounded window of chunks, at consecutive offsets.
  EXPECT_EQ(chunk_offsets(sent), (std::vector<uint64_t>{0, 4, 8, 12}));
  EXPECT_EQ(sent.size(), kSnapshotChunksInflightMax);
}

// Leaving trailing entries in the log lets a slightly lagging follower get
// entries rather than a snapshot.
TEST(Snapshot, FollowerLaggingLessThanTheKeptEntriesGetsEntries) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(1));
  node.compact(node.snapshot_meta_at(LogIndex(9)), /*trailing_entries_kept=*/8);
  EXPECT_EQ(node.log().first_index(), LogIndex(2));
  node.step(append_response(n2, LogIndex(1)));
  EXPECT_EQ(node.progress(n2).state, Progress::State::replicate);
  EXPECT_TRUE(chunk_offsets(drain(node)).empty());
}

// Thesis §5.3 (chunked InstallSnapshot): the follower's answer says which
// offset it expects, so the leader resumes there after a loss.
TEST(Snapshot, FollowersNextOffsetDrivesTheNextChunk) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.step(append_response(n2, LogIndex(1)));
  drain(node);
  node.step(snapshot_response(n2, LogIndex(8), 4));  // chunk 0 arrived: the window slides by one
  EXPECT_EQ(chunk_offsets(to(drain(node), n2)), (std::vector<uint64_t>{16}));
  node.step(snapshot_response(n2, LogIndex(8), 4, /*rejected=*/true));  // chunk 4 was lost
  EXPECT_EQ(chunk_offsets(to(drain(node), n2)), (std::vector<uint64_t>{4, 8, 12, 16}));
  // Every later chunk of that window is answered the same way: resending
  // for each would multiply the traffic, so a gap is resent once.
  node.step(snapshot_response(n2, LogIndex(8), 4, /*rejected=*/true));
  EXPECT_TRUE(chunk_offsets(to(drain(node), n2)).empty());
  node.step(snapshot_response(n2, LogIndex(8), 0, /*rejected=*/true));  // it restarted: from 0
  EXPECT_EQ(chunk_offsets(to(drain(node), n2)), (std::vector<uint64_t>{0, 4, 8, 12}));
  node.step(snapshot_response(n2, LogIndex(7), 99));  // about another snapshot: ignored
  EXPECT_TRUE(chunk_offsets(to(drain(node), n2)).empty());
}

TEST(Snapshot, StalledTransferIsRetriedFromTheLastConfirmedOffsetAfterHeartbeats) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.step(append_response(n2, LogIndex(1)));
  node.step(snapshot_response(n2, LogIndex(8), 8));
  drain(node);
  std::vector<uint64_t> resent;
  for (int i = 0; i < kStalledHeartbeatsMax + 1 && resent.empty(); ++i) {
    node.tick();
    resent = chunk_offsets(to(drain(node), n2));
  }
  EXPECT_EQ(resent, (std::vector<uint64_t>{8, 12, 16, 20}));
}

// When the follower has installed the snapshot, replication resumes with
// the entries after it.
TEST(Snapshot, InstalledSnapshotMovesTheFollowerToProbeAfterItsIndex) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.step(append_response(n2, LogIndex(1)));
  drain(node);
  node.step(snapshot_response(n2, LogIndex(8), 0, false, /*installed=*/true));
  EXPECT_EQ(node.progress(n2).match, LogIndex(8));
  EXPECT_EQ(node.progress(n2).next, LogIndex(9));
  const std::vector<Message> sent = to(drain(node), n2);
  ASSERT_EQ(sent.size(), 1u);
  const auto& append = std::get<AppendEntries>(sent[0].payload);
  EXPECT_EQ(append.prev_log_index, LogIndex(8));
  EXPECT_EQ(append.prev_log_term, Term(1));
  EXPECT_EQ(append.entries.size(), 2u);
}

TEST(Snapshot, NewerSnapshotMidTransferRestartsTheTransferWithIt) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.step(append_response(n2, LogIndex(1)));
  node.step(snapshot_response(n2, LogIndex(8), 8));
  drain(node);
  node.compact(node.snapshot_meta_at(LogIndex(10)), 0);
  EXPECT_EQ(node.progress(n2).pending_snapshot, LogIndex(10));
  const std::vector<Message> sent = to(drain(node), n2);
  EXPECT_EQ(chunk_offsets(sent), (std::vector<uint64_t>{0, 4, 8, 12}));
  EXPECT_EQ(std::get<InstallSnapshot>(sent[0].payload).meta.index, LogIndex(10));
}

// Heartbeats to a follower whose match was compacted are anchored at the
// compaction boundary, the last entry the leader can still name.
TEST(Snapshot, HeartbeatForACompactedMatchIsAnchoredAtTheSnapshot) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  node.tick();
  for (const Message& m : to(drain(node), n2)) {
    if (const auto* append = std::get_if<AppendEntries>(&m.payload)) {
      EXPECT_EQ(append->prev_log_index, LogIndex(8));
      EXPECT_EQ(append->prev_log_term, Term(1));
    }
  }
}

// A follower whose match was compacted rejects the heartbeat anchored at
// the compaction boundary if it lacks that entry: only a snapshot can help.
TEST(Snapshot, HeartbeatRejectedAtTheCompactionBoundaryStartsASnapshot) {
  RaftNode node(config_of(n1), {}, {});
  make_leader_with_snapshot(node, LogIndex(8));
  ASSERT_EQ(node.progress(n2).state, Progress::State::probe);  // its first probe is unanswered
  node.step(Message{n2, n1, Term(1),
                    AppendEntriesResponse{.success = false,
                                          .rejected_index = LogIndex(8),
                                          .conflict_term = kNoTerm,
                                          .conflict_index = LogIndex(1)}});
  EXPECT_EQ(node.progress(n2).state, Progress::State::snapshot);
  EXPECT_EQ(chunk_offsets(to(drain(node), n2)).size(), kSnapshotChunksInflightMax);
}

// Figure 13, receiver rules 2–5: chunks are written at their offset and
// acknowledged; out-of-order chunks are answered with the expected offset.
// The acknowledgement leaves in the same Ready as the chunk, so only after
// the chunk is durable.
TEST(Snapshot, FollowerPassesChunksInOrderToTheShellAndAnswersWithTheNextOffset) {
  RaftNode node(config_of(n2), {}, {});
  node.step(chunk(LogIndex(10), 0, "abcd", false));
  Ready ready = node.ready();
  ASSERT_EQ(ready.snapshot_chunks.size(), 1u);
  EXPECT_EQ(ready.snapshot_chunks[0].data, "abcd");
  EXPECT_FALSE(ready.snapshot.has_value());
  ASSERT_EQ(ready.messages.size(), 1u);
  const auto& answer = std::get<InstallSnapshotResponse>(ready.messages[0].payload);
  EXPECT_EQ(answer.next_offset, 4u);
  EXPECT_FALSE(answer.rejected);
  node.advance(ready);
  node.step(chunk(LogIndex(10), 8, "ijkl", false));  // chunk 4 was lost
  node.step(chunk(LogIndex(10), 0, "abcd", false));  // a duplicate
  ready = node.ready();
  EXPECT_TRUE(ready.snapshot_chunks.empty());
  ASSERT_EQ(ready.messages.size(), 2u);
  for (const Message& m : ready.messages) {
    EXPECT_TRUE(std::get<InstallSnapshotResponse>(m.payload).rejected);
    EXPECT_EQ(std::get<InstallSnapshotResponse>(m.payload).next_offset, 4u);
  }
  node.advance(ready);
}

// Rules 6–8 on the last chunk: "Discard the entire log", "Reset state
// machine using snapshot contents": Ready carries the snapshot to install
// before anything else is applied, and the answer that it is installed.
TEST(Snapshot, LastChunkResetsTheLogAndReadyCarriesTheSnapshotToInstall) {
  RaftNode node(config_of(n2), HardState{Term(1), kNoNode, LogIndex(1)}, entries_with_terms({1, 1, 1}));
  node.step(chunk(LogIndex(10), 0, "abcd", false));
  drain(node);
  node.step(chunk(LogIndex(10), 4, "ef", true));
  const SnapshotMeta meta{LogIndex(10), Term(1), kConf};
  EXPECT_EQ(node.log().commit_index(), LogIndex(10));
  EXPECT_EQ(node.log().last_index(), LogIndex(10));
  EXPECT_EQ(node.snapshot(), meta);
  Ready ready = node.ready();
  EXPECT_EQ(ready.snapshot, meta);
  ASSERT_EQ(ready.snapshot_chunks.size(), 1u);
  EXPECT_TRUE(ready.snapshot_chunks[0].done);
  EXPECT_TRUE(ready.entries.empty());  // the stored log is replaced by nothing
  EXPECT_TRUE(ready.committed_entries.empty());
  ASSERT_TRUE(ready.hard_state.has_value());
  EXPECT_EQ(ready.hard_state->commit_index, LogIndex(10));
  ASSERT_EQ(ready.messages.size(), 1u);
  EXPECT_TRUE(std::get<InstallSnapshotResponse>(ready.messages[0].payload).installed);
  node.advance(ready);
  EXPECT_FALSE(node.has_ready());
}

// Rule 6: "If existing log entry has same index and term as snapshot's
// last included entry, retain log entries following it".
TEST(Snapshot, FollowerRetainsEntriesFollowingAMatchingLastIncludedEntry) {
  RaftNode node(config_of(n2), HardState{Term(1), kNoNode, LogIndex(1)}, entries_with_terms({1, 1, 1, 1, 1}));
  node.step(chunk(LogIndex(3), 0, "snap", true));
  EXPECT_EQ(node.log().last_index(), LogIndex(5));
  Ready ready = node.ready();
  ASSERT_EQ(ready.entries.size(), 2u);  // rewritten after the snapshot
  EXPECT_EQ(ready.entries[0].index, LogIndex(4));
  node.advance(ready);
}

// Figure 13 rule 1: "Reply immediately if term < currentTerm"; the reply
// carries our term, so a deposed leader learns of it and steps down.
TEST(Snapshot, ChunkWithAStaleTermIsAnsweredWithOurTerm) {
  Config config = config_of(n2);
  config.check_quorum = true;
  RaftNode node(config, HardState{Term(3), kNoNode, LogIndex(0)}, {});
  node.step(chunk(LogIndex(10), 0, "abcd", false));  // term 1
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].term, Term(3));
  EXPECT_TRUE(std::get<InstallSnapshotResponse>(sent[0].payload).rejected);
  EXPECT_EQ(node.log().commit_index(), LogIndex(0));
}

// A snapshot the follower's log already commits needs no transfer (rule 5
// is moot; replacing the log would lose entries).
TEST(Snapshot, SnapshotAtOrBelowCommitIsAcknowledgedAsInstalledWithoutTransfer) {
  RaftNode node(config_of(n2), HardState{Term(1), kNoNode, LogIndex(4)}, entries_with_terms({1, 1, 1, 1, 1}));
  node.step(chunk(LogIndex(3), 0, "snap", false));
  Ready ready = node.ready();
  EXPECT_TRUE(ready.snapshot_chunks.empty());
  EXPECT_FALSE(ready.snapshot.has_value());
  ASSERT_EQ(ready.messages.size(), 1u);
  EXPECT_TRUE(std::get<InstallSnapshotResponse>(ready.messages[0].payload).installed);
  EXPECT_EQ(node.log().last_index(), LogIndex(5));
  node.advance(ready);
}

TEST(Snapshot, ChunkOfAnotherSnapshotMidTransferIsAnsweredWithOffsetZero) {
  RaftNode node(config_of(n2), {}, {});
  node.step(chunk(LogIndex(10), 0, "abcd", false));
  drain(node);
  node.step(chunk(LogIndex(12), 4, "efgh", false));
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  const auto& answer = std::get<InstallSnapshotResponse>(sent[0].payload);
  EXPECT_TRUE(answer.rejected);
  EXPECT_EQ(answer.next_offset, 0u);
  EXPECT_EQ(answer.snapshot_index, LogIndex(12));
}

// A snapshot installed between ready() and advance() overtakes that Ready:
// its entries and applies no longer describe the log.
TEST(Snapshot, SnapshotInstalledWhileAReadyIsOutstandingOvertakesIt) {
  RaftNode node(config_of(n2), HardState{Term(1), kNoNode, LogIndex(0)}, {});
  node.step(
      Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, entries_with_terms({1, 1}), LogIndex(2)}});
  Ready outstanding = node.ready();
  ASSERT_EQ(outstanding.committed_entries.size(), 2u);
  node.step(chunk(LogIndex(9), 0, "snap", true));
  node.advance(outstanding);
  EXPECT_EQ(node.log().applied_index(), LogIndex(9));
  Ready ready = node.ready();
  EXPECT_EQ(ready.snapshot->index, LogIndex(9));
  node.advance(ready);
}

// Restarting from a snapshot (§7: the snapshot "replaces" the log prefix):
// the state machine starts from the snapshot, and only entries after it are
// applied again.
TEST(Snapshot, RestartFromASnapshotAppliesOnlyTheEntriesAfterIt) {
  const SnapshotMeta meta{LogIndex(10), Term(2), kConf};
  RaftNode node(config_of(n2), HardState{Term(2), kNoNode, LogIndex(12)}, entries_with_terms({2, 2, 2, 2}, 9),
                meta);
  EXPECT_EQ(node.log().first_index(), LogIndex(11));
  EXPECT_EQ(node.log().applied_index(), LogIndex(10));
  EXPECT_EQ(node.snapshot(), meta);
  Ready ready = node.ready();
  ASSERT_EQ(ready.committed_entries.size(), 2u);
  EXPECT_EQ(ready.committed_entries[0].index, LogIndex(11));
  node.advance(ready);
}

// A crash between making a received snapshot current and rewriting the log
// leaves an old log behind it; entries that do not follow the snapshot's
// last included entry are dropped (rule 6 again).
TEST(Snapshot, RestartDropsAStoredLogThatDisagreesWithTheSnapshot) {
  const SnapshotMeta meta{LogIndex(10), Term(3), kConf};
  RaftNode node(config_of(n2), HardState{Term(2), kNoNode, LogIndex(4)}, entries_with_terms({2, 2, 2, 2}, 9),
                meta);
  EXPECT_EQ(node.log().last_index(), LogIndex(10));
  EXPECT_EQ(node.log().commit_index(), LogIndex(10));
}

// Ready step 1 stores the hard state after the entries, so a crash in
// between leaves entries (or a received snapshot) of a term the stored hard
// state lacks. The restarted node adopts that term with no vote (none was
// sent in it); otherwise it could campaign at an older term and append its
// no-op after entries of a newer one (fuzz seed 1749 after the merge).
TEST(Snapshot, RestartAdoptsTheTermOfStoredEntriesNewerThanTheStoredHardState) {
  RaftNode node(config_of(n2), HardState{Term(1), n1, LogIndex(1)}, entries_with_terms({1, 3, 3}));
  EXPECT_EQ(node.current_term(), Term(3));
  EXPECT_EQ(node.voted_for(), kNoNode);
  Ready ready = node.ready();
  ASSERT_TRUE(ready.hard_state.has_value()) << "the adopted term is stored";
  EXPECT_EQ(ready.hard_state->current_term, Term(3));
  node.advance(ready);
  for (int i = 0; i < 100 && node.role() != Role::candidate; ++i) node.tick();
  ASSERT_EQ(node.role(), Role::candidate);
  EXPECT_EQ(node.current_term(), Term(4));
}

// Storage: a Ready whose last entry was replaced before advance() (a new
// leader truncated it) still stored the entries before it; they must not be
// written again, since a crash halfway through a rewrite could lose
// entries already acknowledged.
TEST(Snapshot, AdvanceAfterATruncationKeepsTheUnchangedPrefixStable) {
  RaftNode node(config_of(n2), {}, {});
  node.step(Message{n1, n2, Term(1),
                    AppendEntries{LogIndex(0), kNoTerm, entries_with_terms({1, 1, 1}), LogIndex(0)}});
  Ready outstanding = node.ready();
  ASSERT_EQ(outstanding.entries.size(), 3u);
  node.step(
      Message{n3, n2, Term(2), AppendEntries{LogIndex(2), Term(1), entries_with_terms({2}, 3), LogIndex(0)}});
  node.advance(outstanding);
  EXPECT_EQ(node.log().stable_index(), LogIndex(2));
  Ready ready = node.ready();
  ASSERT_EQ(ready.entries.size(), 1u);
  EXPECT_EQ(ready.entries[0].term, Term(2));
  node.advance(ready);
}

TEST(SnapshotDeathTest, CompactingBeyondTheAppliedIndexAborts) {
  RaftNode node(config_of(n2), HardState{Term(1), kNoNode, LogIndex(2)}, entries_with_terms({1, 1, 1}));
  EXPECT_DEATH(node.compact(SnapshotMeta{LogIndex(3), Term(1), kConf}, 0), "unapplied");
}

}  // namespace
}  // namespace dispotify::raft
