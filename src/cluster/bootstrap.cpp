#include "cluster/bootstrap.h"

#include <boost/json.hpp>

namespace dispotify::cluster {

bool is_bootstrap_host(std::string_view bootstrap_host, std::string_view hostname) {
  if (bootstrap_host.empty()) return false;
  if (hostname == bootstrap_host) return true;
  const size_t dot = hostname.find('.');
  return dot != std::string_view::npos && hostname.substr(0, dot) == bootstrap_host;
}

bool status_shows_a_cluster(std::string_view status_json) {
  boost::system::error_code ec;
  const boost::json::value status = boost::json::parse(status_json, ec);
  if (ec || !status.is_object()) return false;
  const boost::json::value* voters = status.as_object().if_contains("voters");
  return voters != nullptr && voters->is_array() && !voters->as_array().empty();
}

}  // namespace dispotify::cluster
