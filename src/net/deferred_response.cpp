#include "net/deferred_response.h"

#include "base/check.h"
#include "net/http.h"

namespace dispotify::net {

void DeferredResponse::complete(FinishOn where) {
  std::function<void()> resume;
  {
    std::lock_guard lock(mutex_);
    DISPOTIFY_CHECK_MSG(!completed_, "a deferred response completed twice");
    completed_ = true;
    finish_on_ = where;
    resume = std::move(resume_);
  }
  if (resume) resume();
}

void DeferredResponse::on_complete(std::function<void()> resume) {
  {
    std::lock_guard lock(mutex_);
    DISPOTIFY_CHECK_MSG(!resume_, "a deferred response awaited twice");
    if (!completed_) {
      resume_ = std::move(resume);
      return;
    }
  }
  resume();
}

DeferredResponse::FinishOn DeferredResponse::finish_on() const {
  std::lock_guard lock(mutex_);
  return finish_on_;
}

Response DeferredResponse::finish() {
  DISPOTIFY_CHECK(finish_);
  Finish finish = std::move(finish_);
  return finish();
}

}  // namespace dispotify::net
