// ConfChange: the rules of one-server-at-a-time changes (thesis §4.1) and
// the config entry format, including garbage.
#include "raft/conf_change.h"

#include <gtest/gtest.h>

#include "raft/rng.h"

namespace dispotify::raft {
namespace {

const NodeId n1(1), n2(2), n3(3), n4(4);

ConfState three_voters_and_a_learner() { return ConfState{{n1, n2, n3}, {n4}}; }

TEST(ConfChange, AddLearnerThenPromoteThenRemove) {
  ConfState conf{{n1}, {}};
  conf = apply_conf_change(conf, {ConfChange::Type::add_learner, n2}).value();
  EXPECT_EQ(conf, (ConfState{{n1}, {n2}}));
  conf = apply_conf_change(conf, {ConfChange::Type::promote, n2}).value();
  EXPECT_EQ(conf, (ConfState{{n1, n2}, {}}));
  conf = apply_conf_change(conf, {ConfChange::Type::remove, n1}).value();
  EXPECT_EQ(conf, (ConfState{{n2}, {}}));
}

TEST(ConfChange, ChangesThatDoNotApplyAreRefused) {
  const ConfState conf = three_voters_and_a_learner();
  EXPECT_FALSE(apply_conf_change(conf, {ConfChange::Type::add_learner, n1}).ok());  // already a voter
  EXPECT_FALSE(apply_conf_change(conf, {ConfChange::Type::add_learner, n4}).ok());  // already a learner
  EXPECT_FALSE(apply_conf_change(conf, {ConfChange::Type::promote, n2}).ok());      // not a learner
  EXPECT_FALSE(apply_conf_change(conf, {ConfChange::Type::remove, NodeId(9)}).ok());
  EXPECT_FALSE(apply_conf_change(conf, {ConfChange::Type::add_learner, kNoNode}).ok());
  EXPECT_FALSE(apply_conf_change(ConfState{{n1}, {n2}}, {ConfChange::Type::remove, n1}).ok())
      << "removing the last voter leaves nobody to commit";
  EXPECT_TRUE(apply_conf_change(ConfState{{n1}, {n2}}, {ConfChange::Type::remove, n2}).ok());
}

TEST(ConfChange, EntryRoundTrips) {
  const ConfChangeEntry entry{{ConfChange::Type::add_learner, n4, 1'700'000'000'123},
                              three_voters_and_a_learner()};
  const Result<ConfChangeEntry> decoded = decode_conf_change_entry(encode_conf_change_entry(entry));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, entry);
}

TEST(ConfChange, AnEntryOfVersionOneHasNoTime) {
  const ConfChangeEntry entry{{ConfChange::Type::add_learner, n4, 42}, three_voters_and_a_learner()};
  std::string v1 = encode_conf_change_entry(entry);
  v1[0] = 1;
  v1.resize(v1.size() - 8);
  const Result<ConfChangeEntry> decoded = decode_conf_change_entry(v1);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->change.at_ms, 0);
  EXPECT_EQ(decoded->conf, entry.conf);
  EXPECT_FALSE(decode_conf_change_entry(v1 + std::string(8, '\0')).ok()) << "version 1 with a time";
}

TEST(ConfChange, DecodingRejectsEveryTruncationAndTrailingBytes) {
  const std::string data =
      encode_conf_change_entry({{ConfChange::Type::add_learner, n4}, three_voters_and_a_learner()});
  for (size_t length = 0; length < data.size(); ++length) {
    const Result<ConfChangeEntry> decoded = decode_conf_change_entry(data.substr(0, length));
    ASSERT_FALSE(decoded.ok()) << length;
    EXPECT_EQ(decoded.error().code, Errc::corrupt);
  }
  EXPECT_FALSE(decode_conf_change_entry(data + "x").ok());
}

TEST(ConfChange, DecodingRejectsInvalidFields) {
  const std::string good =
      encode_conf_change_entry({{ConfChange::Type::add_learner, n4}, three_voters_and_a_learner()});
  const auto with_byte = [&](size_t offset, char value) {
    std::string bad = good;
    bad[offset] = value;
    return decode_conf_change_entry(bad).ok();
  };
  EXPECT_FALSE(with_byte(0, 3));   // version
  EXPECT_FALSE(with_byte(1, 3));   // type
  EXPECT_FALSE(with_byte(1, 2));   // remove, yet the node is still a member: contradicts the change
  EXPECT_FALSE(with_byte(2, 0));   // node 0
  EXPECT_FALSE(with_byte(14, 2));  // first voter 2 = second voter 2: not sorted and unique
  EXPECT_FALSE(with_byte(10, 9));  // voter count larger than the data
  EXPECT_FALSE(with_byte(13, 1));  // voter count far above kConfMembersMax
  // A learner that is also a voter.
  ConfChangeEntry overlap{{ConfChange::Type::add_learner, n4}, ConfState{{n1}, {n4}}};
  std::string data = encode_conf_change_entry(overlap);
  data[14] = 4;  // voters {4}, learners {4}
  EXPECT_FALSE(decode_conf_change_entry(data).ok());
}

TEST(ConfChange, DecodingRandomBytesNeverCrashes) {
  SplitMix64 rng(7);
  const std::string good =
      encode_conf_change_entry({{ConfChange::Type::promote, n4}, ConfState{{n1, n4}, {n2}}});
  for (int i = 0; i < 20'000; ++i) {
    std::string data = good;
    if (i % 2 == 0) {
      data.resize(rng.uniform(64));
      for (char& c : data) c = static_cast<char>(rng.uniform(256));
    } else {
      data[rng.uniform(data.size())] = static_cast<char>(rng.uniform(256));  // one flipped byte
    }
    const Result<ConfChangeEntry> decoded = decode_conf_change_entry(data);
    if (decoded.ok()) {
      EXPECT_TRUE(validate_conf_state(decoded->conf).ok());
    }
  }
}

}  // namespace
}  // namespace dispotify::raft
