// Search latency over a catalog of 100,000 synthetic tagged tracks.
//
// The catalog is filled once through apply() (as the cluster would), then
// each benchmark cycles through a fixed list of queries of one kind and
// reports per-call latency percentiles as counters (p50_us, p99_us,
// max_us). Everything is derived from one seed, so runs are comparable.
//
//   catalog_search_bench [--tracks=N] [--db=PATH (keep and reuse)] [benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace dispotify::catalog {
namespace {

constexpr uint32_t kSeed = 20240501;
constexpr int64_t kLimitPerKind = 20;
constexpr int kQueriesPerKind = 200;

// Syllables, some accented, so that words like "canción" or "séra" appear and
// queries typed without accents must find them.
const std::vector<std::string> kSyllables = {
    "ca", "ción", "be", "yon", "cé", "ma", "ri", "lo", "ve", "da", "ne", "to",  "sa",  "ra",  "mi", "ño",
    "lu", "na",   "so", "la",  "ré", "kö", "ni", "go", "ta", "el", "ar", "ven", "dor", "qui", "té", "ru"};
const std::vector<std::string> kGenres = {"Rock", "Pop",  "Jazz",  "Blues",   "Electrónica", "Hip-Hop",
                                          "Soul", "Folk", "Metal", "Clásica", "Reggae",      "Funk"};

class Library {
 public:
  explicit Library(uint32_t seed) : rng_(seed) {
    for (int i = 0; i < 3000; ++i) words_.push_back(make_word());
    for (int i = 0; i < 6000; ++i)
      artists_.push_back(capitalize(pick(words_)) + " " + capitalize(pick(words_)));
  }

  Track track(int i) {
    Track t;
    t.id = "track-" + std::to_string(i);
    t.title = phrase(1 + pick_index(4));
    int album = i / 12;  // twelve tracks an album
    std::mt19937 album_rng(static_cast<uint32_t>(album));
    t.album = "Album " + capitalize(words_[album_rng() % words_.size()]) + " " + std::to_string(album % 97);
    const std::string& album_artist = artists_[album_rng() % artists_.size()];
    t.compilation = album % 10 == 0;
    t.artists = {t.compilation ? pick(artists_) : album_artist};
    if (pick_index(5) == 0) t.artists.push_back(pick(artists_));  // a guest
    t.track_number = i % 12 + 1;
    t.disc_number = 1;
    t.year = 1960 + static_cast<int>(album_rng() % 60);
    t.genre = kGenres[album_rng() % kGenres.size()];
    t.duration_ms = 120000 + static_cast<int64_t>(pick_index(240000));
    t.codec = "flac";
    t.content_type = "audio/flac";
    t.size_bytes = 20'000'000;
    t.content_hash = "hash-" + std::to_string(i);
    t.uploaded_by = "u1";
    t.created_at_ms = i;
    return t;
  }

  // Query texts as people type them: prefixes of words that exist, with
  // accents dropped and case changed now and then.
  std::string prefix_query() { return plain(pick(words_)).substr(0, 3 + pick_index(3)); }
  std::string word_query() { return plain(pick(words_)); }
  std::string two_word_query() {
    const std::string& artist = pick(artists_);
    size_t space = artist.find(' ');
    return artist.substr(0, space) + " " + artist.substr(space + 1, 3);
  }
  std::string title_query(const Track& t) { return plain(t.title); }

  size_t pick_index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  const std::string& pick(const std::vector<std::string>& from) { return from[pick_index(from.size())]; }

 private:
  std::string make_word() {
    std::string word;
    size_t syllables = 2 + pick_index(3);
    for (size_t s = 0; s < syllables; ++s) word += pick(kSyllables);
    return word;
  }
  std::string phrase(size_t words) {
    std::string text;
    for (size_t w = 0; w < words; ++w) text += (w == 0 ? capitalize(pick(words_)) : " " + pick(words_));
    return text;
  }
  static std::string capitalize(std::string word) {
    if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
    return word;
  }
  // Drops the accents of the syllable list, as a user without them would type.
  static std::string plain(std::string text) {
    const std::pair<const char*, const char*> kPlain[] = {{"ó", "o"}, {"é", "e"}, {"ñ", "n"}, {"ö", "o"}};
    for (const auto& [accented, bare] : kPlain) {
      for (size_t at = text.find(accented); at != std::string::npos; at = text.find(accented, at)) {
        text.replace(at, std::string_view(accented).size(), bare);
      }
    }
    return text;
  }

  std::mt19937 rng_;
  std::vector<std::string> words_;
  std::vector<std::string> artists_;
};

struct Fixture {
  std::string dir;
  std::unique_ptr<Catalog> catalog;
  std::vector<std::string> prefix_queries, word_queries, two_word_queries, title_queries, one_letter_queries;
};

Fixture* g_fixture = nullptr;

// With `keep_path` empty the catalog lives in a temporary directory removed
// at exit; otherwise it is filled there (if empty) and kept for inspection.
Fixture* build_fixture(int tracks, const std::string& keep_path) {
  auto* f = new Fixture;
  std::string path = keep_path;
  if (path.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "catalog-bench-XXXXXX").string();
    f->dir = ::mkdtemp(pattern.data());
    path = f->dir + "/catalog.db";
  }
  auto opened = Catalog::open(path, CatalogOptions{.sync = SyncMode::off});
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    std::exit(1);
  }
  f->catalog = std::move(opened).value();
  Library library(kSeed);
  auto start = std::chrono::steady_clock::now();
  std::vector<Track> sample;
  uint64_t already = f->catalog->applied_index();
  for (int i = 0; i < tracks; ++i) {
    Track t = library.track(i);
    if (i % (tracks / kQueriesPerKind + 1) == 0) sample.push_back(t);
    if (static_cast<uint64_t>(i) < already) continue;  // a kept catalog, filled before
    Status status = f->catalog->apply(static_cast<uint64_t>(i) + 1, AddTrack{std::move(t)});
    if (!status.ok()) {
      std::fprintf(stderr, "apply %d: %s\n", i, status.error().message.c_str());
      std::exit(1);
    }
  }
  double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Counts counts = *f->catalog->counts();
  std::fprintf(stderr, "filled %lld tracks, %lld albums, %lld artists in %.1f s (%.0f us/apply)\n",
               static_cast<long long>(counts.tracks), static_cast<long long>(counts.albums),
               static_cast<long long>(counts.artists), fill_s, fill_s * 1e6 / tracks);
  for (int q = 0; q < kQueriesPerKind; ++q) {
    f->prefix_queries.push_back(library.prefix_query());
    f->word_queries.push_back(library.word_query());
    f->two_word_queries.push_back(library.two_word_query());
    f->title_queries.push_back(library.title_query(sample[static_cast<size_t>(q) % sample.size()]));
    f->one_letter_queries.push_back(std::string(1, static_cast<char>('a' + q % 26)));
  }
  return f;
}

double percentile(std::vector<double> sorted_us, double p) {
  std::sort(sorted_us.begin(), sorted_us.end());
  size_t at = static_cast<size_t>(p * static_cast<double>(sorted_us.size() - 1));
  return sorted_us[at];
}

// With CATALOG_BENCH_SLOWEST set: the five slowest queries, to see which
// shapes of text cost the most.
void print_slowest(const std::vector<std::string>& queries, const std::vector<double>& latencies_us) {
  std::vector<std::pair<double, std::string>> timed;
  for (size_t i = 0; i < latencies_us.size(); ++i)
    timed.emplace_back(latencies_us[i], queries[i % queries.size()]);
  std::sort(timed.rbegin(), timed.rend());
  for (size_t i = 0; i < std::min<size_t>(5, timed.size()); ++i) {
    std::fprintf(stderr, "  %8.0f us  %s\n", timed[i].first, timed[i].second.c_str());
  }
}

void run_queries(benchmark::State& state, const std::vector<std::string>& queries) {
  std::vector<double> latencies_us;
  size_t next = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const std::string& text = queries[next++ % queries.size()];
    auto start = std::chrono::steady_clock::now();
    Result<SearchResult> result = g_fixture->catalog->search(text, kLimitPerKind);
    auto stop = std::chrono::steady_clock::now();
    if (!result.ok()) {
      state.SkipWithError(result.error().message.c_str());
      return;
    }
    hits += static_cast<int64_t>(result->tracks.size() + result->albums.size() + result->artists.size());
    benchmark::DoNotOptimize(result);
    latencies_us.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
  }
  if (latencies_us.empty()) return;
  if (std::getenv("CATALOG_BENCH_SLOWEST") != nullptr) print_slowest(queries, latencies_us);
  state.counters["p50_us"] = percentile(latencies_us, 0.50);
  state.counters["p99_us"] = percentile(latencies_us, 0.99);
  state.counters["max_us"] = percentile(latencies_us, 1.0);
  state.counters["hits_per_query"] = static_cast<double>(hits) / static_cast<double>(latencies_us.size());
}

void BM_SearchPrefix(benchmark::State& state) { run_queries(state, g_fixture->prefix_queries); }
void BM_SearchWord(benchmark::State& state) { run_queries(state, g_fixture->word_queries); }
void BM_SearchTwoWords(benchmark::State& state) { run_queries(state, g_fixture->two_word_queries); }
void BM_SearchTitle(benchmark::State& state) { run_queries(state, g_fixture->title_queries); }
// Worst case rather than typical: one letter matches a large part of the library.
void BM_SearchOneLetter(benchmark::State& state) { run_queries(state, g_fixture->one_letter_queries); }

BENCHMARK(BM_SearchPrefix)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchWord)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchTwoWords)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchTitle)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchOneLetter)->Iterations(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dispotify::catalog

int main(int argc, char** argv) {
  int tracks = 100000;
  std::string keep_path;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--tracks=", 0) == 0) {
      tracks = std::max(1000, std::atoi(arg.c_str() + 9));
    } else if (arg.rfind("--db=", 0) == 0) {
      keep_path = arg.substr(5);
    } else {
      args.push_back(argv[i]);
    }
  }
  int bench_argc = static_cast<int>(args.size());
  benchmark::Initialize(&bench_argc, args.data());
  dispotify::catalog::g_fixture = dispotify::catalog::build_fixture(tracks, keep_path);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::string dir = dispotify::catalog::g_fixture->dir;
  delete dispotify::catalog::g_fixture;
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
