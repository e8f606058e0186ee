// apply_batch and LocalProposer's group commit must be indistinguishable from
// applying commands one at a time.
#include <atomic>
#include <thread>

#include "catalog/proposer.h"
#include "catalog/test_util.h"

namespace dispotify::catalog {
namespace {

using testing::make_track;
using testing::make_user;
using testing::open_catalog;
using testing::TempDir;

TEST(ApplyBatch, ARejectedCommandIsUndoneAloneAndEveryIndexIsRecorded) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  const std::vector<Command> commands = {
      CreateUser{make_user("u1", "ana")},
      AddTrack{make_track("t1", "Uno", {"A"}, "Album")},
      CreateUser{make_user("u2", "ANA")},  // duplicate username: conflict
      AddTrack{make_track("t2", "Dos", {"A"}, "Album")},
  };
  auto outcomes = catalog->apply_batch(1, commands);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_TRUE((*outcomes)[0].ok());
  EXPECT_TRUE((*outcomes)[1].ok());
  ASSERT_FALSE((*outcomes)[2].ok());
  EXPECT_EQ((*outcomes)[2].error().code, Errc::conflict);
  EXPECT_TRUE((*outcomes)[3].ok());
  EXPECT_EQ(catalog->applied_index(), 4u);
  EXPECT_FALSE(catalog->user_by_id("u2").value().has_value());
  EXPECT_EQ(catalog->counts().value().tracks, 2);
  EXPECT_EQ(catalog->counts().value().users, 1);

  // Same state as one-at-a-time apply, and the index survives a reopen.
  auto single = open_catalog(dir.file("single.db"));
  for (size_t i = 0; i < commands.size(); ++i) (void)single->apply(i + 1, commands[i]);
  EXPECT_EQ(single->counts().value().tracks, catalog->counts().value().tracks);
  EXPECT_EQ(single->album(catalog->track("t1").value()->album_id).value()->album,
            catalog->album(catalog->track("t1").value()->album_id).value()->album);
  catalog.reset();
  EXPECT_EQ(open_catalog(dir.file("c.db"))->applied_index(), 4u);
}

TEST(LocalProposer, ConcurrentProposalsAreAllAppliedOnceInOrderOfIndex) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  LocalProposer proposer(*catalog);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(proposer.propose(AddTrack{make_track(id, id, {"A"}, "Album")}).ok());
        // Every thread also proposes the same user: exactly one wins.
        auto user =
            proposer.propose(CreateUser{make_user("same-" + std::to_string(i), "same" + std::to_string(i))});
        if (!user.ok()) {
          EXPECT_EQ(user.error().code, Errc::conflict);
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(catalog->counts().value().tracks, kThreads * kPerThread);
  EXPECT_EQ(catalog->counts().value().users, kPerThread);
  EXPECT_EQ(conflicts.load(), (kThreads - 1) * kPerThread);
  EXPECT_EQ(catalog->applied_index(), static_cast<uint64_t>(2 * kThreads * kPerThread));
}

}  // namespace
}  // namespace dispotify::catalog
