// Internal to net/: the timeout of a connection's current wait (a read, a
// write, a handshake), with one timer per connection that is re-armed only
// when it has to be.
//
// Beast's tcp_stream arms and cancels a timer around every read and write:
// a timer-queue update and an extra completion (the cancelled wait) per
// operation, two of them for each keep-alive request. Here a new deadline
// only moves a number when the timer already waits for an earlier instant;
// when the timer fires before the deadline it sleeps again until the
// deadline, and with no wait being watched it goes idle. On a busy
// keep-alive connection the timer then fires about once per timeout
// instead of being touched twice per request.
//
// Not thread-safe: every call on the connection's event loop. The timer's
// handler holds only a weak reference to the connection's owner, so a
// connection destroyed with the timer pending is never touched.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "base/check.h"

namespace dispotify::net::detail {

class ConnectionDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  // `on_expiry` runs (once, on the loop) when a watched wait outlives its
  // deadline; it should close the connection, which ends the wait with an
  // error.
  ConnectionDeadline(boost::asio::any_io_executor executor, std::function<void()> on_expiry)
      : timer_(std::move(executor)), on_expiry_(std::move(on_expiry)) {}
  ConnectionDeadline(const ConnectionDeadline&) = delete;
  ConnectionDeadline& operator=(const ConnectionDeadline&) = delete;

  // While a Watch lives, the connection expires at its deadline. Watches
  // nest: ending one restores the deadline that held before it.
  class [[nodiscard]] Watch {
   public:
    Watch(ConnectionDeadline& owner, Clock::time_point previous) : owner_(&owner), previous_(previous) {}
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch() { owner_->deadline_ = previous_; }

   private:
    ConnectionDeadline* owner_;
    Clock::time_point previous_;
  };

  // Must be called (once) before the first watch: the timer's handler keeps
  // `owner` alive while it runs and does nothing once it is gone.
  void set_owner(std::weak_ptr<void> owner) {
    owner_ = std::move(owner);
    has_owner_ = true;
  }

  Watch watch(std::chrono::milliseconds timeout) { return watch_until(Clock::now() + timeout); }
  Watch watch_until(Clock::time_point deadline) {
    DISPOTIFY_CHECK(has_owner_);
    const auto previous = deadline_;
    deadline_ = deadline;
    if (!cancelled_ && (!waiting_ || deadline < armed_for_)) arm(deadline);
    return Watch(*this, previous);
  }

  // A watched wait ran out of time (and on_expiry ran).
  bool expired() const { return expired_; }

  // The connection is over: the pending wait ends now, so that the event
  // loop does not keep running for it, and no later watch arms the timer.
  void cancel() {
    cancelled_ = true;
    ++generation_;
    waiting_ = false;
    timer_.cancel();
  }

 private:
  void arm(Clock::time_point at) {
    armed_for_ = at;
    waiting_ = true;
    const uint64_t generation = ++generation_;
    timer_.expires_at(at);  // cancels the earlier wait, whose handler then sees a stale generation
    timer_.async_wait([this, owner = owner_, generation](const boost::system::error_code&) {
      const auto alive = owner.lock();
      if (!alive || generation != generation_) return;
      on_timer();
    });
  }

  void on_timer() {
    waiting_ = false;
    if (expired_ || deadline_ == Clock::time_point::max())
      return;  // nothing watched: idle until the next watch
    if (Clock::now() < deadline_) {
      arm(deadline_);  // the deadline moved on since the timer was armed
      return;
    }
    expired_ = true;
    on_expiry_();
  }

  boost::asio::steady_timer timer_;
  std::function<void()> on_expiry_;
  std::weak_ptr<void> owner_;
  Clock::time_point deadline_ = Clock::time_point::max();  // of the innermost live Watch
  Clock::time_point armed_for_ = Clock::time_point::max();
  uint64_t generation_ = 0;  // of the timer's current wait
  bool has_owner_ = false;
  bool cancelled_ = false;
  bool waiting_ = false;
  bool expired_ = false;
};

}  // namespace dispotify::net::detail
