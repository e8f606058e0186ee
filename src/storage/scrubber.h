// Background re-hashing of every local blob at a bounded rate (--scrub-rate),
// so that rot on disk is found even in blobs nobody plays. A copy whose
// bytes do not match its name (flipped bits, truncation) is quarantined:
// the store's corruption listener then has the cluster forget the replica
// and copy it again from a good holder. A good copy is remembered as
// verified, so serving it needs no hash until its file changes.
//
// Thread-safety: start()/stop() from one thread; the scrubber owns its
// thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "storage/local_blob_store.h"

namespace dispotify::storage {

struct ScrubOptions {
  uint64_t bytes_per_second = 16ULL << 20;
  uint64_t pause_between_passes_ms = 60'000;
};

class Scrubber {
 public:
  Scrubber(LocalBlobStore& store, ScrubOptions options) : store_(store), options_(options) {}
  ~Scrubber() { stop(); }
  Scrubber(const Scrubber&) = delete;
  Scrubber& operator=(const Scrubber&) = delete;

  void start();
  void stop();
  uint64_t passes() const { return passes_.load(); }
  uint64_t corrupt_found() const { return corrupt_found_.load(); }
  uint64_t bytes_scrubbed() const { return bytes_scrubbed_.load(); }

  // One pass over every blob, paced; returns early when stopping. Public
  // for tests.
  void scrub_pass();

 private:
  void run();
  bool sleep_ms(uint64_t ms);  // false when stopping
  void scrub_file(const std::string& hash);

  LocalBlobStore& store_;
  ScrubOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> passes_{0};
  std::atomic<uint64_t> corrupt_found_{0};
  std::atomic<uint64_t> bytes_scrubbed_{0};
  std::thread thread_;
};

}  // namespace dispotify::storage
