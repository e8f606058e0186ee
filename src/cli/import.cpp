// `dispotify import DIR --server URL --token T`: uploads a folder tree in
// parallel, with a progress bar on a terminal and a summary at the end.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/server_target.h"
#include "net/http_client.h"
#include "net/url.h"

namespace dispotify::cli {
namespace {

const std::vector<OptionSpec> kImportOptions = {
    {"server", "http://127.0.0.1:4533", "URL of a Dispotify node"},
    {"token", "", "API or session token (see POST /api/v1/tokens)"},
    {"ca-file", "", "PEM certificate authority of an https:// --server (besides the system's)"},
    {"jobs", "16", "parallel uploads"},
};

constexpr size_t kFailuresShownMax = 50;
constexpr uint64_t kUploadIoTimeoutMs = 120'000;
// Times an upload refused with 429 (too many uploads in flight) is retried.
constexpr int kBusyRetriesMax = 120;

struct Tally {
  std::atomic<size_t> done{0}, added{0}, present{0}, skipped{0}, failed{0};
  std::mutex mutex;
  std::vector<std::string> failures;  // "path: reason", bounded

  void fail(const std::string& path, const std::string& reason) {
    ++failed;
    std::lock_guard lock(mutex);
    if (failures.size() < kFailuresShownMax) failures.push_back(path + ": " + reason);
  }
};

std::vector<std::filesystem::path> collect_files(const std::filesystem::path& root, std::error_code& ec) {
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {  // hidden files and folders (.DS_Store, .git)
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string error_message_of(const net::ClientResponse& response) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(response.body, ec);
  if (!ec && value.is_object()) {
    if (const auto* err = value.as_object().if_contains("error"); err && err->is_object()) {
      if (const auto* msg = err->as_object().if_contains("message"); msg && msg->is_string()) {
        return "HTTP " + std::to_string(response.status) + ": " + std::string(msg->as_string());
      }
    }
  }
  return "HTTP " + std::to_string(response.status);
}

void upload_one(net::HttpConnection& connection, const ServerTarget& server, const std::string& token,
                const std::filesystem::path& path, Tally& tally) {
  net::ClientRequest request =
      request_to(server, "POST", "/api/v1/tracks?filename=" + net::percent_encode(path.filename().string()));
  request.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/octet-stream"}};
  request.body = net::FileUpload{path.string()};
  request.io_timeout_ms = kUploadIoTimeoutMs;
  auto response = connection.request(request);
  // 429: this account has the node's --max-uploads-per-user in flight
  // (another import, the web app); wait as told and try again.
  for (int retry = 0; retry < kBusyRetriesMax && response.ok() && response->status == 429; ++retry) {
    int64_t wait_s = 1;
    if (const auto after = response->header("Retry-After")) {
      (void)std::from_chars(after->data(), after->data() + after->size(), wait_s);
    }
    std::this_thread::sleep_for(std::chrono::seconds(std::clamp<int64_t>(wait_s, 1, 60)));
    response = connection.request(request);
  }
  if (!response.ok()) {
    tally.fail(path.string(), response.error().message);
  } else if (response->status == 201) {
    ++tally.added;
  } else if (response->status == 200) {
    ++tally.present;
  } else if (response->status == 415) {
    ++tally.skipped;  // not audio: cover.jpg, notes.txt
  } else {
    tally.fail(path.string(), error_message_of(*response));
  }
  ++tally.done;
}

void draw_progress(const Tally& tally, size_t total, double seconds, bool final) {
  constexpr int kBarWidth = 30;
  const size_t done = tally.done.load();
  const int filled = total == 0 ? kBarWidth : static_cast<int>(kBarWidth * done / total);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kBarWidth, '-');
  std::fprintf(stderr, "\r[%s] %zu/%zu  added %zu  present %zu  not audio %zu  failed %zu  %.0f files/s%s",
               bar.c_str(), done, total, tally.added.load(), tally.present.load(), tally.skipped.load(),
               tally.failed.load(), seconds > 0 ? static_cast<double>(done) / seconds : 0.0,
               final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace

int run_import(const std::vector<std::string>& args) {
  auto parsed = parse_options(kImportOptions, args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dispotify import: %s\n", parsed.error().message.c_str());
    return 2;
  }
  const Options& options = *parsed;
  if (options.help_requested) {
    std::cout << usage_text("dispotify import DIR --server URL --token TOKEN",
                            "Uploads every file under DIR; files that are not audio are skipped.",
                            kImportOptions);
    return 0;
  }
  if (options.positional.size() != 1 || options.get_or("token", "").empty()) {
    std::fprintf(stderr, "dispotify import: need exactly one DIR and --token (see --help)\n");
    return 2;
  }
  auto server = server_target(options.get_or("server", ""), options.get_or("ca-file", ""), true);
  auto jobs = options.get_int("jobs", 1, 256);
  if (!server.ok() || !jobs.ok()) {
    std::fprintf(stderr, "dispotify import: %s\n",
                 (!server.ok() ? server.error() : jobs.error()).message.c_str());
    return 2;
  }
  std::error_code ec;
  const auto files = collect_files(options.positional[0], ec);
  if (ec) {
    std::fprintf(stderr, "dispotify import: cannot read %s: %s\n", options.positional[0].c_str(),
                 ec.message().c_str());
    return 1;
  }

  Tally tally;
  std::atomic<size_t> next{0};
  const std::string token = options.get_or("token", "");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int64_t i = 0; i < *jobs; ++i) {
    workers.emplace_back([&] {
      net::HttpConnection connection;
      for (size_t k = next++; k < files.size(); k = next++)
        upload_one(connection, *server, token, files[k], tally);
    });
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (tally.done.load() < files.size()) {
    if (tty) draw_progress(tally, files.size(), elapsed(), false);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& w : workers) w.join();
  const double seconds = elapsed();
  if (tty) draw_progress(tally, files.size(), seconds, true);

  std::printf(
      "imported %zu files in %.2f s (%.0f files/s): %zu added, %zu already present, %zu not audio, %zu "
      "failed\n",
      files.size(), seconds, seconds > 0 ? static_cast<double>(files.size()) / seconds : 0.0,
      tally.added.load(), tally.present.load(), tally.skipped.load(), tally.failed.load());
  for (const auto& f : tally.failures) std::printf("  failed: %s\n", f.c_str());
  if (tally.failed.load() > tally.failures.size()) {
    std::printf("  ... and %zu more failures\n", tally.failed.load() - tally.failures.size());
  }
  return tally.failed.load() == 0 ? 0 : 1;
}

}  // namespace dispotify::cli
