#include "api/deferred_write.h"

#include <memory>

#include "api/errors.h"

namespace dispotify::api {

net::Response propose_then(catalog::Proposer& proposer, const catalog::Command& command,
                           std::function<net::Response()> reply) {
  // A worker that would have to wait anyway (a follower forwards): no
  // deferral, which would only add a hop back to a worker.
  if (!net::handler_is_inline() && !proposer.proposes_without_waiting()) {
    if (Status outcome = proposer.propose(command); !outcome.ok()) return error_response(outcome.error());
    return reply();
  }
  auto result = std::make_shared<catalog::AsyncProposal>();
  auto deferred =
      std::make_shared<net::DeferredResponse>([result, reply = std::move(reply)]() -> net::Response {
        const Status outcome = result->outcome ? std::move(*result->outcome) : result->finish_blocking();
        if (!outcome.ok()) return error_response(outcome.error());
        return reply();
      });
  proposer.propose_async(command, [result, deferred](catalog::AsyncProposal proposal) {
    // What is left may block (forwarding to a new leader): on a worker.
    const auto where = proposal.outcome ? net::DeferredResponse::FinishOn::io_thread
                                        : net::DeferredResponse::FinishOn::worker;
    *result = std::move(proposal);
    deferred->complete(where);
  });
  net::Response response;
  response.deferred = std::move(deferred);
  return response;
}

}  // namespace dispotify::api
