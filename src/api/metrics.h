// Prometheus metrics of the public API, rendered in the text exposition
// format at /metrics. Thread-safe: observations come from worker threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "net/http.h"

namespace dispotify::api {

class Metrics {
 public:
  // Latency buckets in seconds, from 1 ms to 10 s.
  static constexpr std::array<double, 12> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,   0.25,   0.5,   1,    2.5,   10};
  // Bounds label cardinality: routes are patterns, so this is never reached
  // in practice; past it observations go to the "(other)" route.
  static constexpr size_t kRoutesMax = 256;

  void observe(const net::AccessRecord& record);
  void count_upload(std::string_view result);  // "created", "duplicate", "rejected"
  // A gauge read at render time: name, help, value function.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  struct RouteStats {
    std::map<int, uint64_t> requests_by_status;
    std::array<uint64_t, kLatencyBuckets.size()> bucket_counts{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;
  std::map<std::string, RouteStats> routes_;
  std::map<std::string, uint64_t> uploads_;
  std::vector<Gauge> gauges_;
  std::atomic<uint64_t> body_bytes_sent_{0};
  std::atomic<uint64_t> stream_bytes_sent_{0};
};

}  // namespace dispotify::api
