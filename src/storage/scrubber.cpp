#include "storage/scrubber.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/fs.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/thread_name.h"

namespace dispotify::storage {
void Scrubber::start() {
  thread_ = std::thread([this] {
    name_this_thread("scrubber");
    run();
  });
}

void Scrubber::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Scrubber::sleep_ms(uint64_t ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
  return !stopping_.load();
}

void Scrubber::run() {
  // Not at once: a node that just started has better things to do.
  if (!sleep_ms(std::min<uint64_t>(options_.pause_between_passes_ms, 5'000))) return;
  while (!stopping_.load()) {
    scrub_pass();
    ++passes_;
    if (!sleep_ms(options_.pause_between_passes_ms)) return;
  }
}

void Scrubber::scrub_pass() {
  const std::string root = store_.options().root + "/sha256";
  for (const std::string& fan_out : fs::list_dir(root)) {
    for (const std::string& name : fs::list_dir(root + "/" + fan_out)) {
      if (stopping_.load()) return;
      if (!is_sha256_hex(name)) continue;
      scrub_file(name);
    }
  }
}

void Scrubber::scrub_file(const std::string& hash) {
  auto fd = store_.open(hash);
  if (!fd.ok()) return;  // deleted meanwhile
  const auto started = std::chrono::steady_clock::now();
  auto found = hash_file(fd->get());
  if (!found.ok()) {
    log::warn("scrub cannot read blob", {{"hash", hash}, {"error", found.error().message}});
    return;
  }
  bytes_scrubbed_ += found->second;
  if (found->first != hash) {
    ++corrupt_found_;
    store_.quarantine(hash, "scrub: " + std::to_string(found->second) + " bytes hash to " + found->first);
  } else {
    store_.verifier().remember(fd->get(), hash);
  }
  // Paced: this file's bytes may take no less than bytes / rate.
  const auto due = started + std::chrono::microseconds(found->second * 1'000'000 / options_.bytes_per_second);
  const auto now = std::chrono::steady_clock::now();
  if (due > now)
    sleep_ms(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count()));
}

}  // namespace dispotify::storage
