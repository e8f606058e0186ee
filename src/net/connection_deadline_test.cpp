// ConnectionDeadline on a real io_context and clock: it expires a watched
// wait at its deadline, not before and not when nothing is watched; it
// follows deadlines that move later without re-arming and earlier ones by
// re-arming; it never touches a connection that is gone.
#include "net/connection_deadline.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>

namespace dispotify::net::detail {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connection stand-in: owns the deadline and counts its expiries.
struct Connection {
  explicit Connection(asio::io_context& loop)
      : deadline(loop.get_executor(), [this] {
          ++expiries;
          expired_at = Clock::now();
        }) {}
  ConnectionDeadline deadline;
  int expiries = 0;
  std::optional<Clock::time_point> expired_at;
};

std::shared_ptr<Connection> make_connection(asio::io_context& loop) {
  auto connection = std::make_shared<Connection>(loop);
  connection->deadline.set_owner(connection);
  return connection;
}

TEST(ConnectionDeadline, AWatchedWaitExpiresAtItsDeadline) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  const auto start = Clock::now();
  const auto watch = connection->deadline.watch(50ms);
  loop.run_for(2s);
  EXPECT_EQ(connection->expiries, 1);
  EXPECT_TRUE(connection->deadline.expired());
  ASSERT_TRUE(connection->expired_at.has_value());
  EXPECT_GE(*connection->expired_at - start, 50ms);
}

TEST(ConnectionDeadline, AWaitThatEndedInTimeNeverExpires) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  { const auto watch = connection->deadline.watch(30ms); }
  loop.run_for(200ms);
  EXPECT_EQ(connection->expiries, 0);
  EXPECT_FALSE(connection->deadline.expired());
  // The timer went idle once it found nothing watched: run() has no work.
  loop.restart();
  EXPECT_EQ(loop.run_for(1s), 0U);
}

TEST(ConnectionDeadline, ALaterDeadlineIsFollowedWhenTheTimerFires) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  const auto start = Clock::now();
  { const auto first = connection->deadline.watch(30ms); }  // arms the timer for +30 ms
  const auto second = connection->deadline.watch(250ms);    // only moves the deadline
  loop.run_for(2s);
  EXPECT_EQ(connection->expiries, 1);
  ASSERT_TRUE(connection->expired_at.has_value());
  EXPECT_GE(*connection->expired_at - start, 250ms);
}

TEST(ConnectionDeadline, AnEarlierDeadlineReArmsTheTimer) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  const auto start = Clock::now();
  { const auto idle = connection->deadline.watch(60s); }
  const auto watch = connection->deadline.watch(40ms);
  loop.run_for(2s);
  EXPECT_EQ(connection->expiries, 1);
  ASSERT_TRUE(connection->expired_at.has_value());
  EXPECT_LT(*connection->expired_at - start, 1s);
}

TEST(ConnectionDeadline, EndingAnInnerWatchRestoresTheOuterDeadline) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  const auto start = Clock::now();
  const auto outer = connection->deadline.watch(60ms);
  { const auto inner = connection->deadline.watch(60s); }
  loop.run_for(2s);
  EXPECT_EQ(connection->expiries, 1);
  ASSERT_TRUE(connection->expired_at.has_value());
  EXPECT_LT(*connection->expired_at - start, 1s);
}

TEST(ConnectionDeadline, CancelEndsThePendingWaitAndDisarmsLaterWatches) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  {
    const auto watch = connection->deadline.watch(60s);
    connection->deadline.cancel();
  }
  const auto start = Clock::now();
  loop.run_for(2s);  // returns once the cancelled wait's handler ran
  EXPECT_LT(Clock::now() - start, 1s);
  const auto later = connection->deadline.watch(10ms);
  loop.restart();
  EXPECT_EQ(loop.run_for(300ms), 0U);
  EXPECT_EQ(connection->expiries, 0);
}

// Under AddressSanitizer a handler that touched the destroyed deadline
// would fail this test.
TEST(ConnectionDeadline, AConnectionDestroyedWhileTheTimerWaitsIsNotTouched) {
  asio::io_context loop;
  auto connection = make_connection(loop);
  { const auto watch = connection->deadline.watch(10ms); }
  const std::weak_ptr<Connection> gone = connection;
  connection.reset();
  ASSERT_TRUE(gone.expired());
  loop.run_for(1s);
  SUCCEED();
}

}  // namespace
}  // namespace dispotify::net::detail
