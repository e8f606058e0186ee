#include "cluster/bootstrap.h"

#include <boost/json.hpp>

namespace dispotify::cluster {

bool is_bootstrap_host(std::string_view bootstrap_host, std::string_view hostname) {
  if (bootstrap_host.empty()) return false;
  if (hostname == bootstrap_host) return true;
  const size_t dot = hostname.find('.');
  return dot != std::string_view::npos && hostname.substr(0, dot) == bootstrap_host;
}

bool hello_shows_a_cluster(std::string_view hello_json) {
  boost::system::error_code ec;
  const boost::json::value hello = boost::json::parse(hello_json, ec);
  if (ec || !hello.is_object()) return false;
  const boost::json::value* cluster = hello.as_object().if_contains("cluster");
  return cluster != nullptr && cluster->is_bool() && cluster->as_bool();
}

}  // namespace dispotify::cluster
