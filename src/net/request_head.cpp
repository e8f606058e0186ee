#include "net/request_head.h"

#include "net/url.h"

namespace dispotify::net {
namespace {

Refusal refusal(int status, std::string code, std::string message) {
  return Refusal{status, std::move(code), std::move(message)};
}

}  // namespace

BuiltRequest build_request(RequestHead head, std::string remote_address, const RequestLimits& limits) {
  if (head.headers.size() > limits.header_count_max) {
    return refusal(431, "too_large",
                   "more than " + std::to_string(limits.header_count_max) + " request header fields");
  }
  if (head.target.size() > limits.target_bytes_max) {
    return refusal(414, "too_large",
                   "request target longer than " + std::to_string(limits.target_bytes_max) + " bytes");
  }
  const std::string_view target = head.target;
  if (target.empty() || target.front() != '/') {
    return refusal(400, "invalid_argument", "request target must be an absolute path");
  }
  const size_t question = target.find('?');
  Request request;
  auto path = percent_decode(target.substr(0, question));
  if (!path.ok()) return refusal(400, "invalid_argument", path.error().message);
  request.path = std::move(*path);
  if (question != std::string_view::npos) {
    // The target is bounded above, so decoding it all before counting is cheap.
    auto params = parse_query(target.substr(question + 1));
    if (!params.ok()) return refusal(400, "invalid_argument", params.error().message);
    if (params->size() > limits.query_params_max) {
      return refusal(400, "invalid_argument",
                     "more than " + std::to_string(limits.query_params_max) + " query parameters");
    }
    request.query = std::move(*params);
  }
  request.method = std::move(head.method);
  request.target = std::move(head.target);
  request.headers = std::move(head.headers);
  request.remote_address = std::move(remote_address);
  return request;
}

}  // namespace dispotify::net
