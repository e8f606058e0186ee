// `dispotify serve`: a complete single node (catalog, blob store, public API).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "api/context.h"
#include "api/routes.h"
#include "api/user_validation.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/password.h"
#include "base/random.h"
#include "catalog/catalog.h"
#include "catalog/proposer.h"
#include "cli/cluster_key.h"
#include "cli/cluster_node.h"
#include "cli/commands.h"
#include "cli/limit_options.h"
#include "cli/node_identity.h"
#include "cli/open_files_limit.h"
#include "cli/options.h"
#include "cli/public_tls.h"
#include "cli/storage_views.h"
#include "cluster/repair_loop.h"
#include "net/http_server.h"
#include "net/peer_address.h"
#include "storage/blob_transfer.h"
#include "storage/local_blob_store.h"
#include "storage/replicated_blob_store.h"
#include "storage/scrubber.h"

namespace dispotify::cli {
namespace {

// Bounds --io-threads: more I/O threads than this only add contention.
constexpr int64_t kIoThreadsMax = 256;
// Read connections for the peer port's handlers and the background loops
// (repair, scrubber), beyond one per worker and I/O thread.
constexpr int64_t kBackgroundReadersMax = 8;

// Raises the soft open-files limit (cli/open_files_limit.h) and warns when
// even the hard one is short of what a busy node holds: client connections,
// about three descriptors per SQLite connection, cached blobs and peers.
void raise_open_files_limit_for(size_t catalog_readers) {
  auto files = raise_open_files_limit();
  if (!files.ok()) {
    log::warn("cannot raise the open files limit", {{"error", files.error().message}});
    return;
  }
  if (files->now > files->before) {
    log::info("open files limit raised", {{"from", files->before}, {"to", files->now}});
  }
  const uint64_t wanted = net::ServerOptions{}.connections_max + 3 * uint64_t{catalog_readers} + 512;
  if (files->now < wanted) {
    log::warn("the open files limit is low for a busy node; raise the hard limit (ulimit -Hn, LimitNOFILE=)",
              {{"limit", files->now}, {"wanted", wanted}});
  }
}

unsigned cores() { return std::max(1U, std::thread::hardware_concurrency()); }

const std::vector<OptionSpec> kServeOptions = {
    {"config", "", "TOML file with any of these settings"},
    {"data-dir", "./dispotify-data", "where the catalog, blobs and caches live"},
    {"listen", "127.0.0.1:4533", "public address: web app, REST API, Subsonic API, metrics"},
    {"peer-listen", "127.0.0.1:4534", "node-to-node address: Raft, forwarded writes, joins"},
    {"advertise", "", "host:port other nodes and clients use for --listen (default: the bound address)"},
    {"advertise-peer", "", "host:port other nodes use for --peer-listen (default: the bound address)"},
    {"join", "",
     "join an existing cluster through any member's peer address (ADDR[,ADDR...], DNS names allowed)"},
    {"bootstrap-host", "",
     "with --join: on the host of this name, an empty data dir creates the cluster when no --join address "
     "answers as a member (one spec for every replica: dispotify-0)"},
    {"join-token", "",
     "the cluster's join token: set when creating a cluster (else generated), needed to join"},
    {"join-token-file", "",
     "a file holding the join token (a mounted secret), when --join-token is not given"},
    {"tls-cert", "", "PEM certificate chain for HTTPS on --listen (with --tls-key; reread on SIGHUP)"},
    {"tls-key", "", "PEM private key of --tls-cert"},
    {"peer-tls", "on",
     "mutual TLS between nodes with the cluster's own CA (on); off only for benchmarks on a trusted network"},
    {"election-timeout", "150", "Raft election timeout in ms (randomized up to twice this)"},
    {"snapshot-interval", "20000", "applied log entries between catalog snapshots (log compaction)"},
    {"replication-factor", "3", "copies of every blob (set when the cluster is created; at most 7)"},
    {"write-quorum", "2", "copies that must be durable before an upload succeeds (set at creation)"},
    {"admin-password", "", "password of the admin account created at first start (else generated)"},
    {"admin-password-file", "", "a file holding the admin password, when --admin-password is not given"},
    {"max-upload-size", "2GiB", "largest accepted upload"},
    {"min-free-disk", "512MiB",
     "refuse writes that would leave less free disk (507); below it, take no new blob copies"},
    {"scrub-rate", "16MiB", "bytes per second the background scrubber re-hashes local blobs"},
    {"scrub-interval", "600", "seconds between the end of one scrub pass and the start of the next"},
    {"rebalance-rate", "64MiB", "bytes per second this node copies to repair or rebalance blobs"},
    {"rereplicate-after", "600", "seconds a node may be unreachable before its blobs are copied elsewhere"},
    {"garbage-grace", "60", "seconds an unused blob copy is kept before it is deleted"},
    {"io-threads", std::to_string(cores()),
     "threads that run connections: read requests, start streams, write answers (one per core)"},
    {"workers", "64",
     "request worker threads (writes hold one until committed: more threads, bigger group commits)"},
    {"web-dir", "", "the built web app to serve at / (default: web/ beside the binary, else ../web/dist)"},
    {"log-format", "text", "text or json"},
    {"log-level", "info", "debug, info, warn or error"},
};

Status configure_logging(const Options& options) {
  const std::string format = options.get_or("log-format", "text");
  if (format != "text" && format != "json")
    return make_error(Errc::invalid_argument, "--log-format must be text or json");
  log::set_format(format == "json" ? log::Format::json : log::Format::text);
  const std::string level = options.get_or("log-level", "info");
  if (level == "debug")
    log::set_level(log::Level::debug);
  else if (level == "info")
    log::set_level(log::Level::info);
  else if (level == "warn")
    log::set_level(log::Level::warn);
  else if (level == "error")
    log::set_level(log::Level::error);
  else
    return make_error(Errc::invalid_argument, "--log-level must be debug, info, warn or error");
  return {};
}

// At first start (no users yet) creates the admin account. A generated
// password is printed once, on stdout, and never again. Also run at every
// start of a node whose catalog has no users, once it has caught up with
// the cluster: a crash (or a refused flag) between creating the cluster
// and committing the account must not leave a cluster nobody can log in
// to. An account made meanwhile by another node is a conflict, and fine.
// A cluster that has no leader for a moment (its second voter was just
// promoted and is slow) is waited out, not a reason to stop the node; the
// retries carry one request id, so an attempt that committed unseen is not
// applied twice (and a generated password is still printed).
Status ensure_admin(catalog::Catalog& catalog, catalog::Proposer& proposer, const Options& options,
                    bool created_cluster, const std::atomic<bool>& stop_requested) {
  constexpr int kAttemptsMax = 30;
  DISPOTIFY_ASSIGN_OR_RETURN(auto users, catalog.users());
  if (!users.empty()) return {};
  if (!created_cluster) {
    if (Status caught_up = proposer.read_barrier(); !caught_up.ok()) {
      log::warn("no users, and the cluster cannot be asked whether it has some; not creating an admin",
                {{"error", caught_up.error().message}});
      return {};
    }
    DISPOTIFY_ASSIGN_OR_RETURN(users, catalog.users());
    if (!users.empty()) return {};
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::string password, options.get_secret("admin-password"));
  const bool generated = password.empty();
  if (generated) password = random_hex(12);
  DISPOTIFY_TRY(api::validate_password(password));
  catalog::User admin;
  admin.id = random_id();
  admin.username = "admin";
  DISPOTIFY_ASSIGN_OR_RETURN(admin.password_hash, hash_password(password));
  admin.role = catalog::kRoleAdmin;
  admin.created_at_ms = now_unix_ms();
  for (int attempt = 1;; ++attempt) {
    catalog::RequestIdScope one_request("create-admin-" + admin.id);
    Status created = proposer.propose(catalog::CreateUser{admin});
    if (created.ok()) break;
    if (created.error().code == Errc::conflict) return {};
    if (created.error().code != Errc::unavailable || attempt == kAttemptsMax || stop_requested.load()) {
      return std::move(created).error();
    }
    log::warn("cannot create the admin account yet; retrying", {{"error", created.error().message}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (generated) {
    std::printf("Created the admin account.\n  username: admin\n  password: %s\n(shown only this once)\n",
                password.c_str());
    std::fflush(stdout);
  }
  log::info("created admin account",
            {{"username", "admin"}, {"password", generated ? "generated" : "given"}});
  return {};
}

// SIGINT and SIGTERM are blocked in every thread (the mask is set before
// any thread starts) and taken by this watcher's thread from the very
// start, so a node still joining its cluster stops as promptly as a
// serving one: the request raises `stop_requested` (which start-up loops
// poll) and stops the public server once there is one.
//
// SIGHUP runs the reload action (the public TLS certificate) and goes on.
class SignalWatcher {
 public:
  explicit SignalWatcher(sigset_t signals) : signals_(signals) {
    thread_ = std::thread([this] {
      while (true) {
        int sig = 0;
        sigwait(&signals_, &sig);
        if (woken_by_us_.load()) return;
        if (sig == SIGHUP) {
          std::function<void()> reload;
          {
            std::lock_guard lock(mutex_);
            reload = reload_;
          }
          if (reload) {
            reload();
          } else {
            log::info("SIGHUP: nothing to reload (no --tls-cert)");
          }
          continue;
        }
        log::info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        std::lock_guard lock(mutex_);
        stop_requested = true;
        if (server_ != nullptr) server_->stop();
        return;
      }
    });
  }
  ~SignalWatcher() {
    // SIGTERM is blocked everywhere, so sigwait() in our thread takes it.
    if (!stop_requested.load()) {
      woken_by_us_ = true;
      ::kill(::getpid(), SIGTERM);
    }
    thread_.join();
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Stopped at once if a signal came already.
  void attach(net::HttpServer* server) {
    std::lock_guard lock(mutex_);
    server_ = server;
    if (stop_requested && server_ != nullptr) server_->stop();
  }

  void on_reload(std::function<void()> reload) {
    std::lock_guard lock(mutex_);
    reload_ = std::move(reload);
  }

  std::atomic<bool> stop_requested{false};

 private:
  std::function<void()> reload_;  // guarded by mutex_
  sigset_t signals_;
  std::mutex mutex_;
  net::HttpServer* server_ = nullptr;  // guarded by mutex_
  std::atomic<bool> woken_by_us_{false};
  std::thread thread_;
};

// "a, b,c" -> {"a", "b", "c"}; empty parts are dropped.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : text + ",") {
    if (c == ',') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else if (c != ' ') {
      part += c;
    }
  }
  return parts;
}

Result<ClusterNodeOptions> cluster_node_options(const Options& options, const std::string& data_dir,
                                                const std::string& node_id, const HostPort& listen,
                                                const HostPort& peer_listen) {
  ClusterNodeOptions o;
  o.data_dir = data_dir;
  o.node_id = node_id;
  o.peer_listen_host = peer_listen.host;
  o.peer_listen_port = peer_listen.port;
  o.advertise_peer = options.get_or("advertise-peer", "");
  o.advertise_api = options.get_or("advertise", "");
  if (o.advertise_api.empty()) o.advertise_api = listen.host + ":" + std::to_string(listen.port);
  for (const std::string& part : split_list(options.get_or("join", ""))) {
    // Checked here: a join would retry a malformed address for minutes.
    if (auto parsed = net::parse_peer_address(part); !parsed.ok())
      return make_error(Errc::invalid_argument, "--join: " + parsed.error().message);
    o.join_addresses.push_back(part);
  }
  DISPOTIFY_ASSIGN_OR_RETURN(o.join_token, options.get_secret("join-token"));
  o.bootstrap_host = options.get_or("bootstrap-host", "");
  const std::string peer_tls = options.get_or("peer-tls", "on");
  if (peer_tls != "on" && peer_tls != "off")
    return make_error(Errc::invalid_argument, "--peer-tls must be on or off");
  o.peer_tls = peer_tls == "on";
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t election_ms, options.get_int("election-timeout", 20, 60'000));
  o.election_timeout_ms = static_cast<uint64_t>(election_ms);
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t interval, options.get_int("snapshot-interval", 100, 100'000'000));
  o.snapshot_interval_entries = static_cast<uint64_t>(interval);
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t replication, options.get_int("replication-factor", 1, 7));
  DISPOTIFY_ASSIGN_OR_RETURN(int64_t quorum, options.get_int("write-quorum", 1, 7));
  if (quorum > replication) {
    return make_error(Errc::invalid_argument, "--write-quorum must not exceed --replication-factor");
  }
  o.replication_factor = static_cast<int>(replication);
  o.write_quorum = static_cast<int>(quorum);
  return o;
}

int fail(const Error& error) {
  log::error("cannot start", {{"error", error.message}});
  return 1;
}

// The settings of serve, the limits on strangers last.
std::vector<OptionSpec> serve_option_specs() {
  std::vector<OptionSpec> specs = kServeOptions;
  specs.insert(specs.end(), kLimitOptions.begin(), kLimitOptions.end());
  return specs;
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  const std::vector<OptionSpec> specs = serve_option_specs();
  auto parsed = parse_options(specs, args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dispotify serve: %s\n", parsed.error().message.c_str());
    return 2;
  }
  const Options& options = *parsed;
  if (options.help_requested) {
    std::cout << usage_text("dispotify serve [options]", "Runs a Dispotify node.", specs);
    return 0;
  }
  if (auto s = configure_logging(options); !s.ok()) return fail(s.error());
  // Before any thread starts (the peer port, Raft, the transport), so that
  // every thread inherits the mask and only the signal thread takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  SignalWatcher signal_watcher(signals);
  auto listen = parse_host_port(options.get_or("listen", ""));
  if (!listen.ok()) return fail(listen.error());
  auto peer_listen = parse_host_port(options.get_or("peer-listen", ""));
  if (!peer_listen.ok()) return fail(peer_listen.error());
  auto upload_max = options.get_bytes("max-upload-size");
  if (!upload_max.ok()) return fail(upload_max.error());
  auto min_free = options.get_bytes("min-free-disk");
  if (!min_free.ok()) return fail(min_free.error());
  auto workers = options.get_int("workers", 1, 1024);
  if (!workers.ok()) return fail(workers.error());
  auto io_threads = options.get_int("io-threads", 1, kIoThreadsMax);
  if (!io_threads.ok()) return fail(io_threads.error());
  auto limits = parse_limit_options(options);
  if (!limits.ok()) return fail(limits.error());
  auto scrub_rate = options.get_bytes("scrub-rate");
  if (!scrub_rate.ok()) return fail(scrub_rate.error());
  auto rebalance_rate = options.get_bytes("rebalance-rate");
  if (!rebalance_rate.ok()) return fail(rebalance_rate.error());
  auto rereplicate_after_s = options.get_int("rereplicate-after", 1, 365LL * 24 * 3600);
  if (!rereplicate_after_s.ok()) return fail(rereplicate_after_s.error());
  if (*scrub_rate == 0 || *rebalance_rate == 0)
    return fail(make_error(Errc::invalid_argument, "rates must be > 0"));
  auto scrub_interval_s = options.get_int("scrub-interval", 1, 365LL * 24 * 3600);
  if (!scrub_interval_s.ok()) return fail(scrub_interval_s.error());
  auto garbage_grace_s = options.get_int("garbage-grace", 1, 365LL * 24 * 3600);
  if (!garbage_grace_s.ok()) return fail(garbage_grace_s.error());

  // Checked before anything is created: a refused flag changes nothing.
  if (auto given = options.get_secret("admin-password"); !given.ok()) {
    return fail(given.error());
  } else if (!given->empty()) {
    if (auto s = api::validate_password(*given); !s.ok()) {
      return fail(make_error(Errc::invalid_argument, "--admin-password: " + s.error().message));
    }
  }
  auto public_tls = load_public_tls(options);
  if (!public_tls.ok()) return fail(public_tls.error());
  // Every worker and I/O thread may read the catalog at once, plus the peer
  // port's and the background loops' occasional reads.
  const auto catalog_readers = static_cast<size_t>(*workers + *io_threads + kBackgroundReadersMax);
  raise_open_files_limit_for(catalog_readers);
  const std::string data_dir = options.get_or("data-dir", "");
  if (auto s = fs::make_dirs(data_dir); !s.ok()) return fail(s.error());
  auto node_id = load_or_create_node_id(data_dir);
  if (!node_id.ok()) return fail(node_id.error());
  auto cluster_key = load_or_create_cluster_key(data_dir);
  if (!cluster_key.ok()) return fail(cluster_key.error());
  // The Raft log is the durable record; the catalog is applied again from
  // it after a power loss (cli/cluster_node.h), so one fsync per write is enough.
  const catalog::CatalogOptions catalog_options{
      .sync = catalog::SyncMode::normal, .readers_idle_max = catalog_readers, .background_checkpoints = true};
  auto catalog = catalog::Catalog::open(data_dir + "/catalog.db", catalog_options);
  if (!catalog.ok()) return fail(catalog.error());
  auto blobs = storage::LocalBlobStore::open({data_dir + "/blobs", *min_free});
  if (!blobs.ok()) return fail(blobs.error());
  auto cluster_options = cluster_node_options(options, data_dir, *node_id, *listen, *peer_listen);
  if (!cluster_options.ok()) return fail(cluster_options.error());
  cluster_options->stop_requested = &signal_watcher.stop_requested;
  storage::LocalBlobStore& local_blobs = **blobs;
  cluster_options->more_peer_routes = [&local_blobs](net::Request& r) {
    return storage::handle_blob_request(local_blobs, r);
  };
  cluster_options->blob_bytes_max = *upload_max;
  auto cluster = ClusterNode::start(std::move(*cluster_options), **catalog);
  if (!cluster.ok() && signal_watcher.stop_requested.load()) {
    log::info("stopped before the node was started", {{"reason", cluster.error().message}});
    return 0;
  }
  if (!cluster.ok()) return fail(cluster.error());
  // A node that has just joined received the cluster's key with its
  // certificate, over the one made above (which only a founder keeps: it
  // must exist before the peer port hands it out).
  cluster_key = load_or_create_cluster_key(data_dir);
  if (!cluster_key.ok()) return fail(cluster_key.error());
  catalog::Proposer& proposer = (*cluster)->proposer();
  if (auto s = ensure_admin(**catalog, proposer, options, (*cluster)->created_cluster(),
                            signal_watcher.stop_requested);
      !s.ok()) {
    return fail(s.error());
  }

  // Scratch copies fetched for transcoding are unlinked once ffmpeg has
  // them open; a crash in between leaves them here.
  for (const std::string& name : fs::list_dir(data_dir + "/cache/fetched")) {
    ::unlink((data_dir + "/cache/fetched/" + name).c_str());
  }
  CatalogStorageViews storage_views(**catalog, *node_id);
  ClusterNode& cluster_node = **cluster;
  storage::TransferOptions transfers;
  transfers.tls = cluster_node.peer_client_tls();
  storage::ReplicatedBlobStore replicated_blobs(
      local_blobs, [&storage_views] { return storage_views.current(); }, transfers);
  cluster::RepairOptions repair_options;
  repair_options.copy_bytes_per_second = *rebalance_rate;
  repair_options.rereplicate_after_ms = static_cast<uint64_t>(*rereplicate_after_s) * 1000;
  repair_options.garbage_grace_ms = static_cast<uint64_t>(*garbage_grace_s) * 1000;
  cluster::RepairLoop repair(
      **catalog, proposer, replicated_blobs, [&cluster_node] { return cluster_node.is_leader(); },
      [&cluster_node](uint64_t ms) { return cluster_node.unreachable_for(ms); }, repair_options);
  local_blobs.set_corruption_listener([&repair](const std::string& hash) { repair.report_lost(hash); });
  storage::Scrubber scrubber(
      local_blobs, storage::ScrubOptions{*scrub_rate, static_cast<uint64_t>(*scrub_interval_s) * 1000});
  repair.start();
  scrubber.start();
  cluster_node.service().set_local_storage([&local_blobs, &scrubber, &repair] {
    auto free = local_blobs.free_bytes();
    return "{\"disk_free_bytes\":" + (free.ok() ? std::to_string(*free) : std::string("null")) +
           ",\"scrub_passes\":" + std::to_string(scrubber.passes()) +
           ",\"scrub_bytes\":" + std::to_string(scrubber.bytes_scrubbed()) +
           ",\"corrupt_copies_found\":" + std::to_string(scrubber.corrupt_found()) +
           ",\"repair_copies_done\":" + std::to_string(repair.copies_done()) + "}";
  });
  api::Metrics metrics;
  api::ApiContext ctx{**catalog, proposer, replicated_blobs, metrics,
                      api::ApiOptions{*node_id, *upload_max, 30LL * 24 * 3600 * 1000, data_dir + "/cache",
                                      options.get_or("web-dir", "")}};
  ctx.cluster = &(*cluster)->service();
  ctx.upload_limiter.set_limits(limits->uploads);
  ctx.replicated = &replicated_blobs;
  ctx.cluster_key.emplace(*cluster_key);
  catalog::Catalog& cat = **catalog;
  const auto gauge = [&cat](int64_t catalog::Counts::*field) {
    return [&cat, field]() -> double {
      auto counts = cat.counts();
      return counts.ok() ? static_cast<double>((*counts).*field) : -1;
    };
  };
  metrics.add_gauge("dispotify_catalog_tracks", "Tracks in the catalog.", gauge(&catalog::Counts::tracks));
  metrics.add_gauge("dispotify_catalog_albums", "Albums in the catalog.", gauge(&catalog::Counts::albums));
  metrics.add_gauge("dispotify_catalog_artists", "Artists in the catalog.", gauge(&catalog::Counts::artists));
  metrics.add_gauge("dispotify_catalog_users", "User accounts.", gauge(&catalog::Counts::users));
  metrics.add_gauge("dispotify_catalog_playlists", "Playlists.", gauge(&catalog::Counts::playlists));
  metrics.add_gauge("dispotify_catalog_track_bytes", "Bytes of audio in the catalog.",
                    gauge(&catalog::Counts::track_bytes));
  // The blob gauges share one catalog read per scrape (they are read one
  // after the other, well within the second).
  struct BlobStatsMemo {
    std::mutex mutex;
    std::chrono::steady_clock::time_point read_at;
    std::optional<catalog::BlobStats> stats;
  };
  auto memo = std::make_shared<BlobStatsMemo>();
  constexpr uint64_t kSilentForMs = 5'000;
  const auto blob_gauge = [&cat, &storage_views, &cluster_node, memo](int64_t catalog::BlobStats::*field) {
    return [&cat, &storage_views, &cluster_node, memo, field]() -> double {
      std::lock_guard lock(memo->mutex);
      const auto now = std::chrono::steady_clock::now();
      if (!memo->stats || now - memo->read_at > std::chrono::seconds(1)) {
        // On the leader, which hears from every member, copies on members
        // it has not reached for a while do not count (a follower hears
        // from the leader only).
        const std::set<std::string> silent =
            cluster_node.is_leader() ? cluster_node.unreachable_for(kSilentForMs) : std::set<std::string>();
        auto stats = cat.blob_stats(static_cast<int64_t>(storage_views.current()->replication_factor),
                                    std::vector<std::string>(silent.begin(), silent.end()));
        memo->stats = stats.ok() ? std::optional<catalog::BlobStats>(*stats) : std::nullopt;
        memo->read_at = now;
      }
      return memo->stats ? static_cast<double>((*memo->stats).*field) : -1;
    };
  };
  metrics.add_gauge("dispotify_blobs", "Blobs in use (audio and covers).",
                    blob_gauge(&catalog::BlobStats::blobs));
  metrics.add_gauge(
      "dispotify_blobs_under_replicated",
      "Blobs in use with fewer than R copies on members (on the leader: on members that answer).",
      blob_gauge(&catalog::BlobStats::under_replicated));
  metrics.add_gauge("dispotify_repair_tasks", "Blob copies assigned and not yet done.",
                    blob_gauge(&catalog::BlobStats::repair_tasks));
  metrics.add_gauge("dispotify_repair_bytes", "Bytes the assigned blob copies still have to move.",
                    blob_gauge(&catalog::BlobStats::repair_bytes));
  metrics.add_gauge("dispotify_scrub_corrupt_copies_total", "Local blob copies the scrubber found corrupt.",
                    [&scrubber] { return static_cast<double>(scrubber.corrupt_found()); });
  metrics.add_gauge("dispotify_scrub_bytes_total", "Bytes the scrubber has re-hashed.",
                    [&scrubber] { return static_cast<double>(scrubber.bytes_scrubbed()); });
  metrics.add_gauge("dispotify_repair_copies_total", "Blob copies this node made for repairs.",
                    [&repair] { return static_cast<double>(repair.copies_done()); });

  net::ServerOptions server_options;
  server_options.host = listen->host;
  server_options.port = listen->port;
  server_options.worker_threads = static_cast<size_t>(*workers);
  // One I/O thread per core: one thread took 1,000 busy connections in turn
  // (docs/BENCHMARKS.md section 1). Each thread runs its own event loop.
  server_options.io_threads = static_cast<size_t>(*io_threads);
  apply_limits(*limits, server_options);
  server_options.body_bytes_max = *upload_max + (1 << 20);  // room for multipart framing
  // Starting a stream is two in-memory lookups (token, track) and an
  // open(2): cheaper than handing the request to a worker thread and back.
  // A transcode (?format=, or a ?max_bitrate= below the track's, or a
  // ?time_offset=) starts ffmpeg and waits for its first bytes: a worker's job.
  // The same for a write the router lets run inline while this node leads
  // (Router::run_inline): its command goes to the Raft runner and the
  // answer is finished here once applied, with no worker in between.
  const std::shared_ptr<const api::Router> router = api::make_api_router(ctx);
  server_options.run_inline = [router](const net::Request& r) {
    if (r.method != "GET" && r.method != "HEAD") return router->runs_inline(r);
    return r.path.starts_with("/api/v1/tracks/") && r.path.ends_with("/stream") && !r.query_param("format") &&
           !r.query_param("max_bitrate") && !r.query_param("time_offset");
  };
  server_options.on_access = [&metrics](const net::AccessRecord& r) {
    metrics.observe(r);
    // The fields cost five string copies: not for every request when unused.
    if (log::level() > log::Level::debug) return;
    log::debug("request", {{"method", r.method},
                           {"path", r.path},
                           {"status", r.status},
                           {"bytes", r.body_bytes_sent},
                           {"seconds", r.duration_seconds}});
  };

  server_options.tls = *public_tls;
  net::HttpServer server(server_options,
                         with_transport_security([router](net::Request& r) { return router->handle(r); },
                                                 *public_tls != nullptr));
  if (auto s = server.start(); !s.ok()) return fail(s.error());
  if (*public_tls) {
    signal_watcher.on_reload([&options, slot = *public_tls] { reload_public_tls(options, *slot); });
  }
  ctx.ready = true;
  const std::string scheme = *public_tls ? "https://" : "http://";
  log::info("dispotify serving", {{"url", scheme + listen->host + ":" + std::to_string(server.port())},
                                  {"node_id", *node_id},
                                  {"data_dir", data_dir},
                                  {"peer_listen", options.get_or("peer-listen", "")}});
  signal_watcher.attach(&server);
  server.run();
  signal_watcher.attach(nullptr);
  signal_watcher.on_reload({});
  ctx.ready = false;
  cluster_node.service().set_local_storage({});
  scrubber.stop();
  repair.stop();
  local_blobs.set_corruption_listener({});
  (*cluster)->stop();
  log::info("stopped");
  return 0;
}

}  // namespace dispotify::cli
