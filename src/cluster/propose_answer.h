// The leader's answer to a forwarded write (POST /peer/v1/propose), as text:
//   "<index>\n"                          applied without error
//   "<index>\n<errc name>\n<message>"     applied, rejected by the catalog
#pragma once

#include <string>

#include "base/result.h"
#include "cluster/raft_runner.h"

namespace dispotify::cluster {

std::string encode_propose_answer(const Committed& committed);
[[nodiscard]] Result<Committed> decode_propose_answer(std::string_view body);

}  // namespace dispotify::cluster
