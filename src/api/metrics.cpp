#include "api/metrics.h"

#include <cstdio>

#include "base/json_escape.h"

namespace dispotify::api {
namespace {

// Label values in the exposition format escape backslash, quote and newline,
// exactly as JSON strings do.
std::string label(std::string_view value) {
  std::string out;
  append_json_string(out, value);
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void Metrics::observe(const net::AccessRecord& record) {
  body_bytes_sent_ += record.body_bytes_sent;
  if (record.route.find("/stream") != std::string::npos) stream_bytes_sent_ += record.body_bytes_sent;
  std::lock_guard lock(mutex_);
  auto it = routes_.find(record.route);
  if (it == routes_.end()) {
    const std::string key = routes_.size() < kRoutesMax ? record.route : "(other)";
    it = routes_.try_emplace(key).first;
  }
  RouteStats& stats = it->second;
  ++stats.requests_by_status[record.status];
  ++stats.count;
  stats.sum_seconds += record.duration_seconds;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (record.duration_seconds <= kLatencyBuckets[i]) ++stats.bucket_counts[i];
  }
}

void Metrics::count_upload(std::string_view result) {
  std::lock_guard lock(mutex_);
  ++uploads_[std::string(result)];
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP dispotify_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE dispotify_http_requests_total counter\n";
    for (const auto& [route, stats] : routes_) {
      for (const auto& [status, n] : stats.requests_by_status) {
        out += "dispotify_http_requests_total{route=" + label(route) + ",status=\"" + std::to_string(status) +
               "\"} " + std::to_string(n) + "\n";
      }
    }
    out +=
        "# HELP dispotify_http_request_duration_seconds Time from request headers to the last body byte.\n";
    out += "# TYPE dispotify_http_request_duration_seconds histogram\n";
    for (const auto& [route, stats] : routes_) {
      const std::string l = label(route);
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        out += "dispotify_http_request_duration_seconds_bucket{route=" + l + ",le=\"" +
               number(kLatencyBuckets[i]) + "\"} " + std::to_string(stats.bucket_counts[i]) + "\n";
      }
      out += "dispotify_http_request_duration_seconds_bucket{route=" + l + ",le=\"+Inf\"} " +
             std::to_string(stats.count) + "\n";
      out +=
          "dispotify_http_request_duration_seconds_sum{route=" + l + "} " + number(stats.sum_seconds) + "\n";
      out += "dispotify_http_request_duration_seconds_count{route=" + l + "} " + std::to_string(stats.count) +
             "\n";
    }
    out +=
        "# HELP dispotify_uploads_total Track uploads by result.\n# TYPE dispotify_uploads_total counter\n";
    for (const auto& [result, n] : uploads_) {
      out += "dispotify_uploads_total{result=" + label(result) + "} " + std::to_string(n) + "\n";
    }
    gauges = gauges_;
  }
  out += "# HELP dispotify_http_body_bytes_sent_total Response body bytes sent.\n";
  out += "# TYPE dispotify_http_body_bytes_sent_total counter\n";
  out += "dispotify_http_body_bytes_sent_total " + std::to_string(body_bytes_sent_.load()) + "\n";
  out +=
      "# HELP dispotify_stream_bytes_total Audio bytes streamed.\n# TYPE dispotify_stream_bytes_total "
      "counter\n";
  out += "dispotify_stream_bytes_total " + std::to_string(stream_bytes_sent_.load()) + "\n";
  // Gauges are read outside the lock: they may query the catalog.
  for (const auto& g : gauges) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    out += g.name + " " + number(g.read()) + "\n";
  }
  return out;
}

}  // namespace dispotify::api
