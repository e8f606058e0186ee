// Membership changes (thesis §4.1, §4.2), one node driven message by message.
#include <gtest/gtest.h>

#include <algorithm>

#include "raft/node_test_support.h"

namespace dispotify::raft {
namespace {

using namespace testing_support;

constexpr ConfChange add_learner(NodeId node) { return {ConfChange::Type::add_learner, node}; }
constexpr ConfChange promote(NodeId node) { return {ConfChange::Type::promote, node}; }
constexpr ConfChange remove(NodeId node) { return {ConfChange::Type::remove, node}; }

Entry config_entry(Term term, LogIndex index, ConfChange change, ConfState conf) {
  return Entry{term, index, EntryType::config, encode_conf_change_entry({change, std::move(conf)})};
}

// Node 1 leads {1, 2, 3} in term 1 with its no-op committed.
RaftNode committed_leader() {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1)));
  drain(node);
  return node;
}

// ... and learner 4 added and committed (index 2).
RaftNode leader_with_learner() {
  RaftNode node = committed_leader();
  EXPECT_EQ(node.propose_conf_change(add_learner(n4)).value(), LogIndex(2));
  node.step(append_response(n2, n1, node.current_term(), LogIndex(2)));
  EXPECT_EQ(node.log().commit_index(), LogIndex(2));
  drain(node);
  return node;
}

// Thesis §4.1: "a server always uses the latest configuration in its log,
// regardless of whether the entry is committed".
TEST(Membership, ConfigurationTakesEffectWhenAppended) {
  RaftNode node = committed_leader();
  const Result<LogIndex> index = node.propose_conf_change(add_learner(n4));
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(node.log().commit_index(), LogIndex(1));
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3}, {n4}}));
  EXPECT_EQ(node.conf_index(), *index);
  const std::vector<Message> sent = drain(node).messages;
  EXPECT_TRUE(std::any_of(sent.begin(), sent.end(), [](const Message& m) { return m.to == n4; }))
      << "the learner gets the log at once";
}

// Thesis §4.1: the leader "must ... wait for the previous configuration
// change to be committed" before starting another.
TEST(Membership, SecondChangeIsRefusedWhileTheFirstIsUncommitted) {
  RaftNode node = committed_leader();
  ASSERT_TRUE(node.propose_conf_change(add_learner(n4)).ok());
  const Result<LogIndex> second = node.propose_conf_change(remove(n3));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::unavailable);
}

// The fix to the single-server change bug (Ongaro, raft-dev 2015): a leader
// may not change the configuration until it has committed an entry of its term.
TEST(Membership, ChangeIsRefusedBeforeTheLeaderCommitsAnEntryOfItsTerm) {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  EXPECT_EQ(node.propose_conf_change(add_learner(n4)).error().code, Errc::unavailable);
  RaftNode follower(config_of(n2), {}, {});
  EXPECT_EQ(follower.propose_conf_change(add_learner(n4)).error().code, Errc::unavailable);
}

// Thesis §4.2.1: learners "receive log entries but [are] not considered
// for majorities".
TEST(Membership, LearnerAcknowledgementsDoNotCommit) {
  RaftNode node = leader_with_learner();
  const LogIndex index = node.propose("x").value();
  node.step(append_response(n4, n1, node.current_term(), index));
  EXPECT_EQ(node.log().commit_index(), LogIndex(2));
  node.step(append_response(n3, n1, node.current_term(), index));
  EXPECT_EQ(node.log().commit_index(), index);
}

// Thesis §4.2.1: a new server is promoted only once it has caught up.
TEST(Membership, PromotionWaitsUntilTheLearnerHasCaughtUp) {
  RaftNode node = leader_with_learner();
  LogIndex last;
  for (uint64_t i = 0; i <= kLearnerCatchUpEntriesMax; ++i) last = node.propose("x").value();
  node.step(append_response(n2, n1, node.current_term(), last));
  drain(node);
  EXPECT_EQ(node.propose_conf_change(promote(n4)).error().code, Errc::unavailable);
  node.step(append_response(n4, n1, node.current_term(), last));
  const Result<LogIndex> promoted = node.propose_conf_change(promote(n4));
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3, n4}, {}}));
  // Four voters: committing needs three.
  node.step(append_response(n2, n1, node.current_term(), *promoted));
  EXPECT_LT(node.log().commit_index(), *promoted);
  node.step(append_response(n4, n1, node.current_term(), *promoted));
  EXPECT_EQ(node.log().commit_index(), *promoted);
}

TEST(Membership, ChangesThatDoNotApplyAreInvalid) {
  RaftNode node = leader_with_learner();
  EXPECT_EQ(node.propose_conf_change(promote(n2)).error().code, Errc::invalid_argument);
  EXPECT_EQ(node.propose_conf_change(add_learner(n3)).error().code, Errc::invalid_argument);
  RaftNode solo(config_of(n1, {n1}), {}, {});
  tick_until_role(solo, Role::leader);
  EXPECT_EQ(solo.propose_conf_change(remove(n1)).error().code, Errc::invalid_argument);
}

// Thesis §4.2.2: the removed leader "steps down ... once the Cnew entry is
// committed"; until then it does not count itself in majorities.
TEST(Membership, LeaderThatRemovesItselfStepsDownOnceTheRemovalIsCommitted) {
  RaftNode node = committed_leader();
  const LogIndex index = node.propose_conf_change(remove(n1)).value();
  EXPECT_EQ(node.role(), Role::leader);
  node.step(append_response(n2, n1, node.current_term(), index));
  EXPECT_EQ(node.role(), Role::leader) << "one of the two remaining voters is not a majority";
  node.step(append_response(n3, n1, node.current_term(), index));
  EXPECT_EQ(node.log().commit_index(), index);
  EXPECT_EQ(node.role(), Role::follower);
  for (int i = 0; i < 100; ++i) node.tick();
  EXPECT_EQ(node.role(), Role::follower) << "a removed server never campaigns";
}

// Thesis §4.2.2: a server that an uncommitted entry removes "might still be
// needed until the Cnew entry is committed", so the leader keeps it as a
// follower (entries and heartbeats) until then. Otherwise it times out and
// campaigns (§4.2.3); without PreVote and CheckQuorum that deposed the leader
// again and again while a follower it needed to commit Cnew caught up
// through a snapshot, and Cnew never committed (fuzz seed 1211).
TEST(Membership, LeaderKeepsReplicatingToAServerWhoseRemovalIsUncommitted) {
  RaftNode node = committed_leader();
  node.step(append_response(n3, n1, node.current_term(), LogIndex(1)));
  const LogIndex index = node.propose_conf_change(remove(n3)).value();
  const auto sent_to_n3 = [](const std::vector<Message>& messages) {
    return std::count_if(messages.begin(), messages.end(), [](const Message& m) { return m.to == n3; });
  };
  EXPECT_GE(sent_to_n3(drain(node).messages), 1) << "it receives the entry that removes it";
  node.tick();
  EXPECT_EQ(sent_to_n3(of_type<AppendEntries>(drain(node).messages)), 1) << "and heartbeats";
  EXPECT_EQ(node.peer_progress().size(), 2u);
  node.step(append_response(n3, n1, node.current_term(), index));
  EXPECT_EQ(node.log().commit_index(), LogIndex(1)) << "a removed server does not count";
  node.step(append_response(n2, n1, node.current_term(), index));
  EXPECT_EQ(node.log().commit_index(), index);
  // Committed: a last heartbeat tells it (its match holds the removal), then nothing.
  const std::vector<Message> last = of_type<AppendEntries>(drain(node).messages);
  ASSERT_EQ(sent_to_n3(last), 1);
  const auto heartbeat = std::find_if(last.begin(), last.end(), [](const Message& m) { return m.to == n3; });
  EXPECT_EQ(std::get<AppendEntries>(heartbeat->payload).leader_commit, index);
  EXPECT_EQ(node.peer_progress().size(), 1u);
  for (int i = 0; i < 5; ++i) node.tick();
  EXPECT_EQ(sent_to_n3(drain(node).messages), 0);
}

// ... and the removed server, told that its removal committed, never
// campaigns again (it may campaign only while the removal is uncommitted).
TEST(Membership, ServerToldThatItsRemovalCommittedNeverCampaigns) {
  RaftNode node(config_of(n3), {}, {});
  std::vector<Entry> entries = {Entry{Term(1), LogIndex(1), EntryType::noop, {}},
                                config_entry(Term(1), LogIndex(2), remove(n3), {{n1, n2}, {}})};
  node.step(Message{n1, n3, Term(1), AppendEntries{LogIndex(0), kNoTerm, entries, LogIndex(1)}});
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2}, {}}));
  for (int i = 0; i < 5; ++i) node.tick();
  node.step(Message{n1, n3, Term(1), AppendEntries{LogIndex(2), Term(1), {}, LogIndex(2)}});
  EXPECT_EQ(node.log().commit_index(), LogIndex(2));
  for (int i = 0; i < 100; ++i) node.tick();
  EXPECT_EQ(node.role(), Role::follower);
  EXPECT_EQ(node.current_term(), Term(1));
}

// Thesis §4.1: "a log entry for a configuration change can be removed (if
// leadership changes); in this case, a server must be prepared to fall back
// to the previous configuration in its log."
TEST(Membership, TruncatedConfigurationIsRolledBack) {
  RaftNode node(config_of(n2), {}, {});
  std::vector<Entry> entries = {Entry{Term(1), LogIndex(1), EntryType::noop, {}},
                                config_entry(Term(1), LogIndex(2), add_learner(n4), {{n1, n2, n3}, {n4}})};
  node.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, entries, LogIndex(1)}});
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3}, {n4}}));
  node.step(Message{
      n3, n2, Term(2),
      AppendEntries{LogIndex(1), Term(1), {Entry{Term(2), LogIndex(2), EntryType::noop, {}}}, LogIndex(1)}});
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3}, {}}));
  EXPECT_EQ(node.conf_index(), LogIndex(0));
}

// Thesis §4.1: the configuration in force after a restart is the latest in the log.
TEST(Membership, RestartedServerUsesTheLatestConfigurationInItsLog) {
  std::vector<Entry> log = {Entry{Term(1), LogIndex(1), EntryType::noop, {}},
                            config_entry(Term(1), LogIndex(2), add_learner(n4), {{n1, n2, n3}, {n4}}),
                            config_entry(Term(1), LogIndex(3), promote(n4), {{n1, n2, n3, n4}, {}})};
  RaftNode node(config_of(n4, {}), HardState{Term(1), kNoNode, LogIndex(2)}, log);
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3, n4}, {}}));
  EXPECT_EQ(node.conf_index(), LogIndex(3));
  tick_until_role(node, Role::candidate);  // now a voter
}

// Thesis §4.2.1: learners never start elections; a joining server with no
// configuration just follows whoever leads and learns the membership.
TEST(Membership, JoiningServerFollowsItsLeaderAndNeverCampaigns) {
  RaftNode node(config_of(n4, {}), {}, {});
  for (int i = 0; i < 100; ++i) node.tick();
  EXPECT_EQ(node.role(), Role::follower);
  EXPECT_TRUE(drain(node).messages.empty());
  std::vector<Entry> entries = {Entry{Term(1), LogIndex(1), EntryType::noop, {}},
                                config_entry(Term(1), LogIndex(2), add_learner(n4), {{n1, n2, n3}, {n4}})};
  node.step(Message{n1, n4, Term(1), AppendEntries{LogIndex(0), kNoTerm, entries, LogIndex(2)}});
  EXPECT_EQ(node.conf_state(), (ConfState{{n1, n2, n3}, {n4}}));
  EXPECT_EQ(node.leader_hint(), n1);
  const Drained out = drain(node);
  ASSERT_EQ(out.committed.size(), 2u);
  EXPECT_EQ(out.committed[1].type, EntryType::config);  // the caller sees committed changes
  for (int i = 0; i < 100; ++i) node.tick();
  EXPECT_EQ(node.role(), Role::follower);
}

// Figure 2: "Reply false if term < currentTerm". A learner that raised its
// term while it was a voter cut off from the cluster never campaigns to
// pass that term on, so it answers a stale leader even without CheckQuorum
// or PreVote; the leader then learns the term and a new election follows.
TEST(Membership, LearnerWithAHigherTermAnswersAStaleLeader) {
  RaftNode node(config_of(n4, {}), HardState{Term(9), kNoNode, LogIndex(0)}, {});
  node.step(Message{n1, n4, Term(3), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  const std::vector<Message> answers = of_type<AppendEntriesResponse>(drain(node).messages);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].term, Term(9));
  EXPECT_FALSE(std::get<AppendEntriesResponse>(answers[0].payload).success);
}

// Thesis §6.4 needs a majority of the voters; a learner's heartbeat
// acknowledgement confirms nothing.
TEST(Membership, LearnerAcknowledgementsDoNotConfirmReads) {
  RaftNode node = leader_with_learner();
  node.read_index(1);
  const std::vector<Message> heartbeats = of_type<AppendEntries>(drain(node).messages);
  const uint64_t round = std::get<AppendEntries>(heartbeats.at(0).payload).read_context;
  node.step(append_response(n4, n1, node.current_term(), LogIndex(2), round));
  EXPECT_TRUE(drain(node).read_states.empty());
  node.step(append_response(n3, n1, node.current_term(), LogIndex(2), round));
  EXPECT_EQ(drain(node).read_states.size(), 1u);
}

TEST(Membership, ChangeIsRefusedDuringALeadershipTransfer) {
  RaftNode node = leader_with_learner();
  ASSERT_TRUE(node.transfer_leadership(n3).ok());
  EXPECT_EQ(node.propose_conf_change(remove(n4)).error().code, Errc::unavailable);
}

TEST(Membership, LearnerCannotBeTheTargetOfALeadershipTransfer) {
  RaftNode node = leader_with_learner();
  EXPECT_EQ(node.transfer_leadership(n4).error().code, Errc::invalid_argument);
}

TEST(Membership, PeerProgressListsEveryOtherMember) {
  RaftNode node = leader_with_learner();
  const std::vector<PeerProgress> peers = node.peer_progress();
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0].node, n2);
  EXPECT_EQ(peers[0].match, LogIndex(2));
  EXPECT_FALSE(peers[0].learner);
  EXPECT_EQ(peers[2].node, n4);
  EXPECT_TRUE(peers[2].learner);
  RaftNode follower(config_of(n2), {}, {});
  EXPECT_TRUE(follower.peer_progress().empty());
}

}  // namespace
}  // namespace dispotify::raft
