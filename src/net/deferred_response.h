// DeferredResponse: the rest of a response whose handler handed its work to
// another thread (a Raft commit) instead of waiting for it. The handler
// returns at once with Response::deferred set; whoever finishes the work
// calls complete() once, from any thread; the server then calls finish() on
// the connection's own I/O thread and sends the response it returns.
//
// Why: a handler that waits holds a worker thread, and every request then
// costs two thread hand-offs more (I/O thread -> worker -> I/O thread) than
// the work itself. A write on the Raft leader is proposed from the I/O
// thread and answered from it.
//
// finish() runs on an I/O thread, so it must not block: short reads of the
// catalog only.
#pragma once

#include <functional>
#include <mutex>

namespace dispotify::net {

struct Response;

class DeferredResponse {
 public:
  using Finish = std::function<Response()>;
  explicit DeferredResponse(Finish finish) : finish_(std::move(finish)) {}
  DeferredResponse(const DeferredResponse&) = delete;
  DeferredResponse& operator=(const DeferredResponse&) = delete;

  // Where finish() may run: on the connection's I/O thread (it must not
  // block), or on a worker (it may: what is left of the work blocks).
  enum class FinishOn { io_thread, worker };
  // The work is done: resumes the server's wait (now, or as soon as it
  // waits). Called exactly once.
  void complete(FinishOn where = FinishOn::io_thread);
  FinishOn finish_on() const;
  // The server's side: `resume` is called once, on the thread that calls
  // complete(), or here at once if that already happened.
  void on_complete(std::function<void()> resume);
  // The server's side, after `resume`: the response to send.
  Response finish();

 private:
  mutable std::mutex mutex_;
  bool completed_ = false;                    // guarded by mutex_
  FinishOn finish_on_ = FinishOn::io_thread;  // guarded by mutex_
  std::function<void()> resume_;              // guarded by mutex_
  Finish finish_;
};

}  // namespace dispotify::net
