// An upload's body read at its account's share of
// UploadLimits::bytes_per_second_per_user: after each read the reader
// sleeps for as long as UploadLimiter::take_bytes says. The sleep happens on
// the worker thread that handles the upload, which is held by the upload
// anyway; the connection's body read timeout does not run meanwhile, since
// the server reads only when asked.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "api/upload_limiter.h"
#include "net/http.h"

namespace dispotify::api {

class ThrottledBody final : public net::BodyReader {
 public:
  ThrottledBody(net::BodyReader& inner, UploadLimiter& limiter, std::string user_id)
      : inner_(inner), limiter_(limiter), user_id_(std::move(user_id)) {}

  Result<size_t> read(std::span<char> buffer) override {
    auto n = inner_.read(buffer);
    if (!n.ok() || *n == 0) return n;
    const int64_t wait_ms = limiter_.take_bytes(user_id_, *n, steady_now_ms());
    if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    return n;
  }
  std::optional<uint64_t> content_length() const override { return inner_.content_length(); }

 private:
  static int64_t steady_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  net::BodyReader& inner_;
  UploadLimiter& limiter_;
  std::string user_id_;
};

}  // namespace dispotify::api
