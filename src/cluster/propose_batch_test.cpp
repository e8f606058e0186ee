#include "cluster/propose_batch.h"

#include <gtest/gtest.h>

#include "cluster/propose_answer.h"

namespace dispotify::cluster {
namespace {

TEST(ProposeBatch, EntriesRoundTripInOrderWithTheirBytes) {
  const std::string binary("D1\0\x01x", 5);
  const std::vector<std::string_view> entries{"first", binary, std::string_view("")};
  auto decoded = decode_propose_batch(encode_propose_batch(entries));
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[0], "first");
  EXPECT_EQ((*decoded)[1], binary);
  EXPECT_EQ((*decoded)[2], "");
}

TEST(ProposeBatch, AnEmptyOrOversizedOrTruncatedBatchIsRefused) {
  EXPECT_FALSE(decode_propose_batch(encode_propose_batch({})).ok());
  EXPECT_FALSE(decode_propose_batch("").ok());
  std::string body = encode_propose_batch({"abc", "def"});
  EXPECT_FALSE(decode_propose_batch(body.substr(0, body.size() - 1)).ok());
  EXPECT_FALSE(decode_propose_batch(body + "x").ok());
  std::string too_many(4, '\0');
  too_many[0] = static_cast<char>((kProposeBatchEntriesMax + 1) & 0xFF);
  too_many[1] = static_cast<char>((kProposeBatchEntriesMax + 1) >> 8);
  EXPECT_FALSE(decode_propose_batch(too_many).ok());
  // A length that points past the end must not read beyond the body.
  std::string lying = encode_propose_batch({"abc"});
  lying[4] = '\x7f';
  EXPECT_FALSE(decode_propose_batch(lying).ok());
}

TEST(ProposeBatch, EachAnswerKeepsItsIndexOrItsError) {
  std::vector<Result<Committed>> answers;
  answers.push_back(Committed{7, ok_status()});
  answers.push_back(Committed{8, make_error(Errc::conflict, "name taken\nreally")});
  answers.push_back(make_error(Errc::unavailable, "not committed in time"));
  auto decoded = decode_batch_answers(encode_batch_answers(answers), 3);
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE((*decoded)[0].ok());
  EXPECT_EQ((*decoded)[0]->index, 7u);
  EXPECT_TRUE((*decoded)[0]->outcome.ok());
  ASSERT_TRUE((*decoded)[1].ok());
  EXPECT_EQ((*decoded)[1]->index, 8u);
  ASSERT_FALSE((*decoded)[1]->outcome.ok());
  EXPECT_EQ((*decoded)[1]->outcome.error().code, Errc::conflict);
  EXPECT_EQ((*decoded)[1]->outcome.error().message, "name taken\nreally");
  ASSERT_FALSE((*decoded)[2].ok());
  EXPECT_EQ((*decoded)[2].error().code, Errc::unavailable);
  EXPECT_EQ((*decoded)[2].error().message, "not committed in time");
}

TEST(ProposeBatch, AnswersForAnotherCountOrMalformedAreAnInternalError) {
  std::vector<Result<Committed>> answers;
  answers.push_back(Committed{7, ok_status()});
  const std::string body = encode_batch_answers(answers);
  auto wrong_count = decode_batch_answers(body, 2);
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_EQ(wrong_count.error().code, Errc::internal);
  EXPECT_FALSE(decode_batch_answers(body.substr(0, body.size() - 1), 1).ok());
  EXPECT_FALSE(decode_batch_answers("", 1).ok());
}

}  // namespace
}  // namespace dispotify::cluster
