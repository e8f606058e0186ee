#include "cluster/raft_codec.h"

#include <gtest/gtest.h>

#include <random>

namespace dispotify::cluster {
namespace {

using raft::Entry;
using raft::EntryType;
using raft::LogIndex;
using raft::Message;
using raft::NodeId;
using raft::Term;

Message message(raft::Payload payload) {
  return Message{.from = NodeId(0x0102030405060708ULL),
                 .to = NodeId(0xa1a2a3a4a5a6a7a8ULL),
                 .term = Term(0x1122334455667788ULL),
                 .payload = std::move(payload)};
}

// One message of every payload type, every field set to something other
// than its default (and distinct from its neighbours), so a field that is
// skipped or swapped by the codec shows up.
std::vector<Message> every_payload() {
  std::vector<Message> out;
  out.push_back(message(raft::RequestVote{LogIndex(101), Term(102), true, true}));
  out.push_back(message(raft::RequestVoteResponse{.granted = true, .pre_vote = true}));
  raft::AppendEntries append{.prev_log_index = LogIndex(200), .prev_log_term = Term(7)};
  append.entries = {Entry{Term(7), LogIndex(201), EntryType::normal, std::string("cmd\0one", 7)},
                    Entry{Term(8), LogIndex(202), EntryType::config, "conf"},
                    Entry{Term(9), LogIndex(203), EntryType::noop, ""}};
  append.leader_commit = LogIndex(199);
  append.read_context = 0xfeedfacecafebeefULL;
  out.push_back(message(append));
  out.push_back(message(raft::AppendEntriesResponse{.success = true,
                                                    .match_index = LogIndex(301),
                                                    .rejected_index = LogIndex(302),
                                                    .conflict_term = Term(303),
                                                    .conflict_index = LogIndex(304),
                                                    .read_context = 305}));
  raft::InstallSnapshot snapshot;
  snapshot.meta =
      raft::SnapshotMeta{LogIndex(401), Term(402), raft::ConfState{{NodeId(1), NodeId(5)}, {NodeId(9)}}};
  snapshot.offset = 403;
  snapshot.data = std::string(1000, '\xab');
  snapshot.done = true;
  out.push_back(message(snapshot));
  out.push_back(message(raft::InstallSnapshotResponse{LogIndex(501), 502, true, true}));
  out.push_back(message(raft::TimeoutNow{}));
  out.push_back(message(raft::ReadIndexRequest{.context = 601}));
  out.push_back(message(raft::ReadIndexResponse{.context = 701, .index = LogIndex(702), .ok = true}));
  return out;
}

// raft::Message has no operator== (the core never compares them); compare
// field by field through the encoding of each message alone, plus the
// payload type, which is enough once the round trip of one message is
// checked by value below.
void expect_same(const std::vector<Message>& a, const std::vector<Message>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].payload.index(), b[i].payload.index()) << i;
    EXPECT_EQ(encode_batch(std::span(&a[i], 1)), encode_batch(std::span(&b[i], 1))) << i;
  }
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 0xf];
  }
  return out;
}

TEST(RaftCodec, EveryPayloadTypeRoundTripsInOneBatch) {
  const std::vector<Message> messages = every_payload();
  ASSERT_EQ(messages.size(), std::variant_size_v<raft::Payload>);
  const std::string bytes = encode_batch(messages);
  auto decoded = decode_batch(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  expect_same(messages, *decoded);
  EXPECT_EQ(encode_batch(*decoded), bytes);
}

TEST(RaftCodec, RoundTripKeepsEveryFieldByValue) {
  const std::vector<Message> messages = every_payload();
  auto decoded = decode_batch(encode_batch(messages));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ((*decoded)[i].from, messages[i].from);
    EXPECT_EQ((*decoded)[i].to, messages[i].to);
    EXPECT_EQ((*decoded)[i].term, messages[i].term);
  }
  const auto& vote = std::get<raft::RequestVote>((*decoded)[0].payload);
  EXPECT_EQ(vote.last_log_index, LogIndex(101));
  EXPECT_EQ(vote.last_log_term, Term(102));
  EXPECT_TRUE(vote.pre_vote);
  EXPECT_TRUE(vote.transfer);
  const auto& vote_response = std::get<raft::RequestVoteResponse>((*decoded)[1].payload);
  EXPECT_TRUE(vote_response.granted);
  EXPECT_TRUE(vote_response.pre_vote);
  const auto& append = std::get<raft::AppendEntries>((*decoded)[2].payload);
  EXPECT_EQ(append.prev_log_index, LogIndex(200));
  EXPECT_EQ(append.prev_log_term, Term(7));
  EXPECT_EQ(append.entries, std::get<raft::AppendEntries>(messages[2].payload).entries);
  EXPECT_EQ(append.leader_commit, LogIndex(199));
  EXPECT_EQ(append.read_context, 0xfeedfacecafebeefULL);
  const auto& append_response = std::get<raft::AppendEntriesResponse>((*decoded)[3].payload);
  EXPECT_TRUE(append_response.success);
  EXPECT_EQ(append_response.match_index, LogIndex(301));
  EXPECT_EQ(append_response.rejected_index, LogIndex(302));
  EXPECT_EQ(append_response.conflict_term, Term(303));
  EXPECT_EQ(append_response.conflict_index, LogIndex(304));
  EXPECT_EQ(append_response.read_context, 305u);
  const auto& snapshot = std::get<raft::InstallSnapshot>((*decoded)[4].payload);
  EXPECT_EQ(snapshot.meta, std::get<raft::InstallSnapshot>(messages[4].payload).meta);
  EXPECT_EQ(snapshot.offset, 403u);
  EXPECT_EQ(snapshot.data, std::string(1000, '\xab'));
  EXPECT_TRUE(snapshot.done);
  const auto& snapshot_response = std::get<raft::InstallSnapshotResponse>((*decoded)[5].payload);
  EXPECT_EQ(snapshot_response.snapshot_index, LogIndex(501));
  EXPECT_EQ(snapshot_response.next_offset, 502u);
  EXPECT_TRUE(snapshot_response.installed);
  EXPECT_TRUE(snapshot_response.rejected);
  EXPECT_TRUE(std::holds_alternative<raft::TimeoutNow>((*decoded)[6].payload));
  EXPECT_EQ(std::get<raft::ReadIndexRequest>((*decoded)[7].payload).context, 601u);
  const auto& read_response = std::get<raft::ReadIndexResponse>((*decoded)[8].payload);
  EXPECT_EQ(read_response.context, 701u);
  EXPECT_EQ(read_response.index, LogIndex(702));
  EXPECT_TRUE(read_response.ok);
}

TEST(RaftCodec, DefaultValuedMessagesAndEmptyBatchRoundTrip) {
  std::vector<Message> messages;
  messages.push_back(Message{NodeId(1), NodeId(2), Term(0), raft::RequestVoteResponse{}});
  messages.push_back(Message{NodeId(2), NodeId(1), Term(0), raft::AppendEntries{}});
  auto decoded = decode_batch(encode_batch(messages));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  expect_same(messages, *decoded);
  auto empty = decode_batch(encode_batch({}));
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->empty());
}

TEST(RaftCodec, EncodedMessageBytesAddUpToTheBatch) {
  const std::vector<Message> messages = every_payload();
  size_t total = kRaftBatchHeaderBytes;
  for (const Message& m : messages) total += encoded_message_bytes(m);
  EXPECT_EQ(encode_batch(messages).size(), total);
}

// The format is a contract between nodes of different versions; this test
// fails when a change would make old and new nodes misunderstand each other.
// If the change is intended, bump kRaftCodecVersion and update
// docs/formats/raft_messages.md.
TEST(RaftCodec, GoldenBytesOfOneAppendEntries) {
  raft::AppendEntries append{.prev_log_index = LogIndex(5), .prev_log_term = Term(2)};
  append.entries = {Entry{Term(3), LogIndex(6), EntryType::normal, "hi"}};
  append.leader_commit = LogIndex(4);
  append.read_context = 9;
  const std::vector<Message> messages = {Message{NodeId(1), NodeId(2), Term(3), append}};
  const std::string expected =
      "44524654"           // magic "DRFT"
      "0100"               // version 1
      "0000"               // flags
      "01000000"           // 1 message
      "54000000"           // message length 84
      "03"                 // tag 3: AppendEntries
      "0100000000000000"   // from 1
      "0200000000000000"   // to 2
      "0300000000000000"   // term 3
      "0500000000000000"   // prev_log_index 5
      "0200000000000000"   // prev_log_term 2
      "01000000"           // 1 entry
      "0300000000000000"   // entry term 3
      "0600000000000000"   // entry index 6
      "00"                 // entry type normal
      "02000000"           // data length 2
      "6869"               // data "hi"
      "0400000000000000"   // leader_commit 4
      "0900000000000000";  // read_context 9
  EXPECT_EQ(hex(encode_batch(messages)), expected);
}

void expect_invalid(std::string_view bytes, std::string_view message_part) {
  auto decoded = decode_batch(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, Errc::invalid_argument);
  EXPECT_NE(decoded.error().message.find(message_part), std::string::npos) << decoded.error().message;
}

TEST(RaftCodec, EveryTruncationFailsCleanly) {
  const std::string bytes = encode_batch(every_payload());
  for (size_t size = 0; size < bytes.size(); ++size) {
    auto decoded = decode_batch(std::string_view(bytes).substr(0, size));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << size << " bytes decoded";
    EXPECT_EQ(decoded.error().code, Errc::invalid_argument);
    EXPECT_FALSE(decoded.error().message.empty());
  }
}

TEST(RaftCodec, RejectsTrailingBytes) {
  std::string bytes = encode_batch(every_payload());
  bytes.push_back('\0');
  expect_invalid(bytes, "1 trailing bytes after the last message");
}

TEST(RaftCodec, RejectsBadHeaders) {
  const std::string valid = encode_batch(every_payload());
  std::string bytes = valid;
  bytes[0] = 'X';
  expect_invalid(bytes, "magic: not a Raft message batch");
  bytes = valid;
  bytes[4] = 2;
  expect_invalid(bytes, "version: unsupported version 2");
  bytes = valid;
  bytes[6] = 1;
  expect_invalid(bytes, "flags: unknown flags 1");
}

TEST(RaftCodec, RejectsCountsOverTheirLimits) {
  std::string bytes = encode_batch({});
  bytes[8] = static_cast<char>(0xff);
  bytes[9] = static_cast<char>(0xff);
  expect_invalid(bytes, "message count: 65535 is over the limit of 16384");
  // A count under the limit that the bytes present cannot back.
  bytes = encode_batch({});
  bytes[8] = 2;
  expect_invalid(bytes, "message count: 2 records cannot fit in the 0 bytes left");
  // The entry count of an AppendEntries: at byte 12 (frame) + 4 (length) + 1
  // (tag) + 24 (from, to, term) + 16 (prev index, term).
  std::vector<Message> one = {message(raft::AppendEntries{})};
  bytes = encode_batch(one);
  bytes[57] = 0x01;  // 4097 entries
  bytes[58] = 0x10;
  expect_invalid(bytes, "message 0 (AppendEntries): entry count: 4097 is over the limit of 4096");
}

TEST(RaftCodec, RejectsUnknownTagsAndBadEnums) {
  std::vector<Message> one = {message(raft::TimeoutNow{})};
  std::string bytes = encode_batch(one);
  bytes[16] = 0;
  expect_invalid(bytes, "message 0 (?): tag: unknown payload tag 0");
  bytes[16] = 10;
  expect_invalid(bytes, "unknown payload tag 10");

  one = {message(raft::RequestVoteResponse{})};
  bytes = encode_batch(one);
  bytes[41] = 2;  // granted
  expect_invalid(bytes, "message 0 (RequestVoteResponse): granted: boolean must be 0 or 1, got 2");

  raft::AppendEntries append;
  append.entries = {Entry{Term(1), LogIndex(1), EntryType::normal, ""}};
  one = {message(append)};
  bytes = encode_batch(one);
  bytes[77] = 3;  // the entry's type, after its term and index
  expect_invalid(bytes, "message 0 (AppendEntries): entry 0: type: unknown entry type 3");
}

TEST(RaftCodec, RejectsAFrameLengthThatDisagreesWithTheContent) {
  std::vector<Message> one = {message(raft::TimeoutNow{})};
  std::string bytes = encode_batch(one);
  bytes[12] += 1;
  bytes.push_back('\0');
  expect_invalid(bytes, "message 0 (TimeoutNow): length: 1 unused bytes at the end");
  bytes = encode_batch(one);
  bytes[12] += 1;
  expect_invalid(bytes, "length: 26 is more than the 25 bytes left");
  bytes = encode_batch(one);
  bytes[12] -= 1;  // the frame ends one byte early: the term does not fit in it
  expect_invalid(bytes, "message 0 (TimeoutNow): term: truncated");
}

TEST(RaftCodec, RejectsMessagesThatWouldTripTheCore) {
  auto reject = [](Message m, std::string_view why) {
    const std::vector<Message> one = {std::move(m)};
    expect_invalid(encode_batch(one), why);
  };
  reject(Message{NodeId(0), NodeId(2), Term(1), raft::TimeoutNow{}}, "from and to must not be node 0");
  reject(Message{NodeId(2), NodeId(2), Term(1), raft::TimeoutNow{}}, "from and to are the same node");
  raft::AppendEntries gap{.prev_log_index = LogIndex(5), .prev_log_term = Term(1)};
  gap.entries = {Entry{Term(1), LogIndex(7), EntryType::normal, ""}};
  reject(Message{NodeId(1), NodeId(2), Term(1), gap}, "entry 0: index 7 does not follow prev_log_index 5");
  raft::AppendEntries back{.prev_log_index = LogIndex(5), .prev_log_term = Term(2)};
  back.entries = {Entry{Term(1), LogIndex(6), EntryType::normal, ""}};
  reject(Message{NodeId(1), NodeId(2), Term(2), back}, "entry 0: term goes back");
  raft::AppendEntries future{.prev_log_index = LogIndex(5), .prev_log_term = Term(2)};
  future.entries = {Entry{Term(4), LogIndex(6), EntryType::normal, ""}};
  reject(Message{NodeId(1), NodeId(2), Term(3), future}, "entry 0: term is after the message's term");
  raft::AppendEntries wrap{.prev_log_index = LogIndex(UINT64_MAX), .prev_log_term = Term(1)};
  wrap.entries = {Entry{Term(1), LogIndex(0), EntryType::normal, ""}};
  reject(Message{NodeId(1), NodeId(2), Term(1), wrap}, "prev_log_index leaves no room");
  raft::InstallSnapshot unsorted;
  unsorted.meta.conf.voters = {NodeId(3), NodeId(1)};
  reject(Message{NodeId(1), NodeId(2), Term(1), unsorted}, "voters are not sorted and distinct");
  raft::InstallSnapshot both;
  both.meta.conf.voters = {NodeId(1), NodeId(3)};
  both.meta.conf.learners = {NodeId(3)};
  reject(Message{NodeId(1), NodeId(2), Term(1), both}, "node 3 is both voter and learner");
  raft::InstallSnapshot overflow;
  overflow.offset = UINT64_MAX;
  overflow.data = "x";
  reject(Message{NodeId(1), NodeId(2), Term(1), overflow}, "offset + data overflows");
}

TEST(RaftCodec, RejectsBatchesOverTheByteLimit) {
  expect_invalid(std::string(kRaftBatchBytesMax + 1, '\0'), "over the limit");
}

// Sanitizer builds run unoptimized and about 40x slower: fewer inputs keep
// cluster_tests well under 20 s there; optimized builds cover more.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kFuzzInputs = 15'000;
#else
constexpr int kFuzzInputs = 100'000;
#endif

// Random inputs: mostly garbage, and valid encodings with bytes flipped,
// which reach deep into the decoder. None may crash (the sanitizer build
// runs this too) and every one must decode or fail with invalid_argument.
TEST(RaftCodec, FuzzedInputsNeverCrash) {
  constexpr uint64_t kSeed = 20240611;
  std::mt19937_64 rng(kSeed);
  const std::string valid = encode_batch(every_payload());
  int decoded_ok = 0;
  for (int i = 0; i < kFuzzInputs; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      bytes.resize(rng() % 256);
      for (char& c : bytes) c = static_cast<char>(rng());
      if (bytes.size() >= 12 && rng() % 2 == 0) bytes.replace(0, 8, valid.substr(0, 8));  // past the magic
    } else {
      bytes = valid;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
      if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
    }
    auto decoded = decode_batch(bytes);
    if (decoded.ok()) {
      ++decoded_ok;
      // Whatever decodes must re-encode to the same bytes: the format has
      // one encoding per value, so nothing is silently ignored.
      ASSERT_EQ(encode_batch(*decoded), bytes) << "seed " << kSeed << " input " << i;
    } else {
      ASSERT_EQ(decoded.error().code, Errc::invalid_argument) << "seed " << kSeed << " input " << i;
    }
  }
  // Flips inside opaque data keep the batch valid; some must decode, or the
  // fuzzer is not reaching past the header.
  EXPECT_GT(decoded_ok, 0);
}

}  // namespace
}  // namespace dispotify::cluster
