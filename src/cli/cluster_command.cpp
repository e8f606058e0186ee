// `dispotify cluster status | remove NODE | transfer-leader NODE |
// renew-certificate | set-join-token [TOKEN]`: the cluster as an operator
// sees it, through any node's public API (GET /api/v1/cluster, POST
// /api/v1/cluster/remove, .../transfer-leader, .../renew-certificate: the
// --server node's own, .../join-token: the cluster's).
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/server_target.h"
#include "net/http_client.h"

namespace dispotify::cli {
namespace {

const std::vector<OptionSpec> kClusterOptions = {
    {"server", "http://127.0.0.1:4533", "URL of any node of the cluster"},
    {"token", "", "an admin's API or session token"},
    {"ca-file", "", "PEM certificate authority of an https:// --server (besides the system's)"},
    {"json", "", "print the raw JSON", true},
    {"wait", "30", "seconds remove and transfer-leader retry while the cluster answers 503 (no leader yet)"},
};

constexpr const char* kUsage =
    "dispotify cluster status | remove NODE_ID | transfer-leader NODE_ID | renew-certificate | "
    "set-join-token [TOKEN] [options]";

Result<net::ClientResponse> call(const Options& options, const std::string& method, const std::string& path,
                                 std::string body) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      ServerTarget server, server_target(options.get_or("server", ""), options.get_or("ca-file", ""), true));
  net::ClientRequest request = request_to(server, method, path);
  request.headers = {{"Authorization", "Bearer " + options.get_or("token", "")}};
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  request.io_timeout_ms = 10'000;
  return net::request(request);
}

std::string text_of(const boost::json::value* v) {
  if (v == nullptr || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

void print_status(const boost::json::object& cluster) {
  // A node from before feature levels reports none: its cluster is at level 1.
  const auto* level = cluster.if_contains("cluster_level");
  std::printf("cluster %s   level %s   leader %s   term %s   commit %s\n",
              text_of(cluster.if_contains("cluster_id")).c_str(),
              level != nullptr ? text_of(level).c_str() : "1", text_of(cluster.if_contains("leader")).c_str(),
              text_of(cluster.if_contains("term")).c_str(),
              text_of(cluster.if_contains("commit_index")).c_str());
  if (const auto* storage = cluster.if_contains("storage"); storage != nullptr && storage->is_object()) {
    const auto& st = storage->as_object();
    std::printf(
        "storage R=%s W=%s   blobs %s (%s bytes)   under-replicated %s   repairs %s (%s bytes to copy)\n",
        text_of(st.if_contains("replication_factor")).c_str(),
        text_of(st.if_contains("write_quorum")).c_str(), text_of(st.if_contains("blobs")).c_str(),
        text_of(st.if_contains("bytes")).c_str(), text_of(st.if_contains("under_replicated")).c_str(),
        text_of(st.if_contains("repair_tasks")).c_str(), text_of(st.if_contains("repair_bytes")).c_str());
  }
  std::printf("%-17s %-10s %-9s %-8s %-6s %-9s %-6s %-13s %-7s %-6s %-22s %s\n", "NODE", "MEMBER", "ROLE",
              "HEALTH", "TERM", "APPLIED", "LAG", "CONTACT (ms)", "BLOBS", "LEVEL", "PEER", "API");
  const auto* members = cluster.if_contains("members");
  if (members == nullptr || !members->is_array()) return;
  for (const auto& m : members->as_array()) {
    if (!m.is_object()) continue;
    const auto& o = m.as_object();
    const auto* status = o.if_contains("status");
    const boost::json::object empty;
    const auto& s = status != nullptr && status->is_object() ? status->as_object() : empty;
    const bool reachable =
        o.contains("reachable") && o.at("reachable").is_bool() && o.at("reachable").as_bool();
    const bool full =
        o.contains("storage_full") && o.at("storage_full").is_bool() && o.at("storage_full").as_bool();
    const char* health = !reachable ? "DOWN" : full ? "up,full" : "up";
    // LEVEL: the feature level the node's binary supports (1 when it says none).
    const auto* node_level = s.if_contains("feature_level");
    const std::string level_text = node_level != nullptr ? text_of(node_level) : reachable ? "1" : "";
    std::printf("%-17s %-10s %-9s %-8s %-6s %-9s %-6s %-13s %-7s %-6s %-22s %s\n",
                text_of(o.if_contains("node_id")).c_str(), text_of(o.if_contains("membership")).c_str(),
                text_of(s.if_contains("role")).c_str(), health, text_of(s.if_contains("term")).c_str(),
                text_of(s.if_contains("applied_index")).c_str(), text_of(o.if_contains("lag")).c_str(),
                text_of(o.if_contains("last_contact_ms_ago")).c_str(),
                text_of(o.if_contains("blobs")).c_str(), level_text.c_str(),
                text_of(o.if_contains("peer_address")).c_str(),
                text_of(o.if_contains("api_address")).c_str());
  }
}

// remove and transfer-leader, retried while the answer is 503: a pre-stop
// hook or a script runs them at any moment, also during an election (both
// are idempotent: removing a node that is gone, or moving leadership to the
// leader, succeeds).
Result<net::ClientResponse> call_until_led(const Options& options, const std::string& path,
                                           const std::string& body, int64_t wait_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  for (;;) {
    auto response = call(options, "POST", path, body);
    if (!response.ok() || response->status != 503 || std::chrono::steady_clock::now() >= deadline) {
      return response;
    }
    int64_t pause_ms = 1000;
    if (auto after = response->header("Retry-After")) {
      pause_ms = std::clamp<int64_t>(std::atoll(std::string(*after).c_str()) * 1000, 200, 2000);
    }
    std::fprintf(stderr, "dispotify cluster: %s: HTTP 503, retrying\n", path.c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
}

int report_failure(const std::string& what, const Result<net::ClientResponse>& response) {
  if (!response.ok()) {
    std::fprintf(stderr, "dispotify cluster %s: %s\n", what.c_str(), response.error().message.c_str());
  } else {
    std::fprintf(stderr, "dispotify cluster %s: HTTP %d %s\n", what.c_str(), response->status,
                 response->body.c_str());
  }
  return 1;
}

}  // namespace

int run_cluster(const std::vector<std::string>& args) {
  auto parsed = parse_options(kClusterOptions, args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dispotify cluster: %s\n", parsed.error().message.c_str());
    return 2;
  }
  const Options& options = *parsed;
  if (options.help_requested || options.positional.empty()) {
    std::cout << usage_text(
        kUsage,
        "Shows the members of the cluster (role, term, applied index, lag, health), removes "
        "a member, moves leadership to another member, renews the --server node's peer "
        "certificate, or sets a new join token for the whole cluster (generated when not "
        "given; printed once).",
        kClusterOptions);
    return options.help_requested ? 0 : 2;
  }
  const std::string& action = options.positional[0];
  if (action == "status" && options.positional.size() == 1) {
    auto response = call(options, "GET", "/api/v1/cluster", "");
    if (!response.ok() || response->status != 200) return report_failure(action, response);
    if (options.get_switch("json")) {
      std::cout << response->body << "\n";
      return 0;
    }
    boost::system::error_code ec;
    auto value = boost::json::parse(response->body, ec);
    if (ec || !value.is_object()) return report_failure(action, response);
    print_status(value.as_object());
    return 0;
  }
  if ((action == "remove" || action == "transfer-leader") && options.positional.size() == 2) {
    auto wait_s = options.get_int("wait", 0, 3600);
    if (!wait_s.ok()) {
      std::fprintf(stderr, "dispotify cluster: %s\n", wait_s.error().message.c_str());
      return 2;
    }
    const std::string body = boost::json::serialize(boost::json::object{{"node_id", options.positional[1]}});
    auto response = call_until_led(options, "/api/v1/cluster/" + action, body, *wait_s);
    if (!response.ok() || response->status != 204) return report_failure(action, response);
    std::printf("%s %s: done\n", action.c_str(), options.positional[1].c_str());
    return 0;
  }
  if (action == "renew-certificate" && options.positional.size() == 1) {
    auto response = call(options, "POST", "/api/v1/cluster/renew-certificate", "");
    if (!response.ok() || response->status != 200) return report_failure(action, response);
    std::printf("%s\n", response->body.c_str());
    return 0;
  }
  if (action == "set-join-token" && options.positional.size() <= 2) {
    boost::json::object body;
    if (options.positional.size() == 2) body["join_token"] = options.positional[1];
    auto response = call(options, "POST", "/api/v1/cluster/join-token", boost::json::serialize(body));
    if (!response.ok() || response->status != 200) return report_failure(action, response);
    std::printf("%s\n", response->body.c_str());
    return 0;
  }
  std::fprintf(stderr, "usage: %s\n", kUsage);
  return 2;
}

}  // namespace dispotify::cli
