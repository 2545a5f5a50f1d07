// Standalone differential test of the corpus search (native/corpus.hpp): on random corpora
// (repeated letters, empty words, long words, astral code points), every metric, n, cutoff and
// thread count must give exactly the brute-force answer, also with a pool that could start no
// thread, with n far beyond the corpus size and on every SIMD path. The search's bounds on their own: never below
// the true score (the first-character-aware Jaro-Winkler bound included), and exact results
// where they are tight (ties at the n-th place, first characters that differ or only hash
// alike, long queries whose misses pass the counter's 15). Then the ThreadPool on its own:
// every part runs once, from many callers at once, and an exception in a part comes back to
// the caller. Built by run.sh, also under ASan/UBSan.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../corpus.hpp"
#include "reference.hpp"

namespace {

using strdist::Match;
using strdist::Metric;
using Word = std::vector<uint32_t>;
using strdist_test::brute;

long g_passed = 0, g_failed = 0;

void check(bool ok, const char* what) {
  if (ok) {
    ++g_passed;
  } else if (++g_failed <= 20) {
    std::fprintf(stderr, "check: FAIL %s\n", what);
  }
}

void check_pool() {
  strdist::ThreadPool pool(7);
  // Every part exactly once, for many sizes, from four callers at once.
  std::vector<std::thread> callers;
  std::atomic<bool> all_ok(true);
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (unsigned parts = 0; parts < 40; ++parts) {
        std::vector<std::atomic<int>> hits(parts);
        pool.run(parts, [&](unsigned p) { hits[p].fetch_add(1); });
        for (auto& h : hits) all_ok = all_ok && h.load() == 1;
      }
    });
  }
  for (auto& t : callers) t.join();
  check(all_ok, "every part runs exactly once");
  check(pool.helpers() <= 7, "at most max_helpers threads");

  // An exception in a part: rethrown on the caller after the run, the pool still works.
  for (unsigned bad : {0u, 3u, 9u}) {
    std::atomic<int> ran(0);
    std::string caught;
    try {
      pool.run(10, [&](unsigned p) {
        ++ran;
        if (p == bad) throw std::runtime_error("part " + std::to_string(p));
      });
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    check(caught == "part " + std::to_string(bad), "the part's exception reaches the caller");
    check(ran.load() >= 1 && ran.load() <= 10, "no part runs twice");
  }
  std::atomic<int> after(0);
  pool.run(5, [&](unsigned) { ++after; });
  check(after == 5, "the pool works after an exception");

  // A pool that can start no thread runs everything on the caller.
  strdist::ThreadPool none(0);
  std::vector<int> hits(12, 0);
  const auto caller = std::this_thread::get_id();
  bool on_caller = true;
  none.run(12, [&](unsigned p) {
    ++hits[p];
    on_caller = on_caller && std::this_thread::get_id() == caller;
  });
  check(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }) && on_caller && none.helpers() == 0,
        "no helpers: the caller runs every part");

  // The task queue runs every posted task once; one that can start no thread says so.
  // Leaked, as shared_tasks() is: its threads are detached and never end.
  strdist::TaskQueue& tasks = *new strdist::TaskQueue(3);
  static std::atomic<int> ran(0);
  bool posted = true;
  for (int i = 0; i < 100; ++i) posted = posted && tasks.post([] { ++ran; });
  while (ran.load() < 100) std::this_thread::yield();
  check(posted && ran.load() == 100, "every posted task runs once");
  strdist::TaskQueue no_tasks(0);
  check(!no_tasks.post([] {}), "a queue that can start no thread refuses the task");

  // A burst of posts gets a thread per task (up to the maximum). The queue's one thread,
  // idle, counted as idle for every post until it had woken and taken one: one thread
  // for the whole burst, the other tasks waiting behind the first. Each task of the burst
  // waits (up to 3 s) until all three have started: they can only all start together when
  // the queue gave them threads of their own, however the scheduler orders the posts.
  strdist::TaskQueue& burst = *new strdist::TaskQueue(4);
  static std::atomic<int> warm(0), arrived(0), together(0), finished(0);
  burst.post([] { ++warm; });
  while (warm.load() < 1) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // its thread back to waiting
  for (int i = 0; i < 3; ++i) {
    burst.post([] {
      ++arrived;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      while (arrived.load() < 3 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (arrived.load() >= 3) ++together;
      ++finished;
    });
  }
  while (finished.load() < 3) std::this_thread::yield();
  const std::string what = "a burst of 3 posts to a queue with one idle thread runs all 3 at once (" +
                           std::to_string(together.load()) + " saw the others start; threads " +
                           std::to_string(burst.threads()) + ")";
  check(together.load() == 3, what.c_str());
}

// The multiset intersection of two code-point sequences.
size_t common_count(const Word& a, const Word& b) {
  Word x = a, y = b;
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  size_t i = 0, j = 0, c = 0;
  while (i < x.size() && j < y.size()) {
    if (x[i] == y[j]) ++c, ++i, ++j;
    else if (x[i] < y[j]) ++i;
    else ++j;
  }
  return c;
}

// The bounds the search prunes by, against the naive scores: the common-character bound of the
// signatures is at least the true intersection, and the key bound built from it (for
// Jaro-Winkler with the prefix allowance the first-character hash gives) at least the true key.
void check_bounds(std::mt19937_64& rng) {
  auto pick = [&](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  // small alphabets force repeats (counts past level 4, the query's excess); first_hash
  // collisions: 0x61 and 0x161 and 0x10061 differ but hash alike.
  const std::vector<std::vector<uint32_t>> alphabets = {
      {'a', 'b'}, {'a', 'b', 'c', 'd', 'e', 'f', 'g'}, {'a', 0x161, 0x10061, 0x1f600, 'b'}, {0xd800, 0xdfff, 'z', 0x10ffff}};
  long bad = 0, checked = 0;
  for (int r = 0; r < 200000; ++r) {
    const auto& al = alphabets[pick(alphabets.size())];
    auto word = [&](size_t maxlen) {
      Word w(pick(maxlen + 1));
      for (auto& c : w) c = al[pick(al.size())];
      return w;
    };
    const Word q = word(pick(8) == 0 ? 70 : 12), w = word(pick(8) == 0 ? 70 : 12);
    const strdist::detail::QuerySignature qs(q.data(), q.size());
    const size_t common = qs.common_bound(strdist::detail::signature_of(w.data(), w.size()));
    const size_t truth = common_count(q, w);
    const bool first_may_match =
        q.empty() || w.empty() || strdist::detail::first_hash(q[0]) == strdist::detail::first_hash(w[0]);
    strdist::SearchOptions o;
    o.prefix_weight = pick(2) ? 0.1 : 0.25;
    bool ok = common >= truth;
    for (int m = 0; m < 4 && ok; ++m) {
      o.metric = static_cast<Metric>(m);
      const double score = strdist_test::naive_score(o.metric, q, w, o.prefix_weight);
      const double key = o.metric == Metric::Levenshtein ? -score : score;
      const double bound = strdist::detail::key_bound(o, q.size(), w.size(), common, first_may_match ? 4 : 0);
      ok = bound >= key;
    }
    ++checked;
    if (!ok && ++bad <= 5) {
      std::fprintf(stderr, "bounds: FAIL q %zu w %zu common %zu truth %zu\n", q.size(), w.size(), common, truth);
    }
  }
  check(bad == 0, "every bound is at least the true score");
  std::printf("bounds: %ld pairs, %ld below the true score\n", checked, bad);
}

// Exact answers where the bounds are tight, on 1 and 2 threads and n past the corpus size.
void check_edges(std::mt19937_64& rng) {
  auto pick = [&](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  auto run = [&](const std::vector<Word>& words, const Word& q, const char* what) {
    std::vector<uint32_t> points, lengths;
    for (const auto& w : words) {
      points.insert(points.end(), w.begin(), w.end());
      lengths.push_back(static_cast<uint32_t>(w.size()));
    }
    points.push_back(0);
    const strdist::CorpusIndex index(points.data(), lengths.data(), words.size());
    bool all = true;
    for (int m = 0; m < 4; ++m) {
      for (size_t n : {size_t(1), size_t(3), size_t(10), words.size(), words.size() + 5, SIZE_MAX}) {
        for (unsigned threads : {1u, 2u}) {
          strdist::SearchOptions o;
          o.metric = static_cast<Metric>(m);
          o.n = n;
          o.threads = threads;
          o.prefix_weight = 0.25;
          const std::vector<Match> want = brute(words, q, o);
          const std::vector<Match> got = index.search(q.data(), q.size(), o);
          bool same = got.size() == want.size();
          for (size_t i = 0; same && i < got.size(); ++i) same = got[i].score == want[i].score && got[i].index == want[i].index;
          all = all && same;
        }
      }
    }
    check(all, what);
  };
  // Ties at the cutoff: every rotation and every one-letter change of one word, many times
  // over, so the n-th place falls inside a run of equal scores (and across the 64-word runs
  // and the two threads' shares: 5,000 words).
  {
    const Word base = {'s', 't', 'r', 'a', 'n', 'g', 'e', 'r'};
    std::vector<Word> words;
    while (words.size() < 5000) {
      Word w = base;
      std::rotate(w.begin(), w.begin() + pick(w.size()), w.end());
      if (pick(2)) w[pick(w.size())] = 'a' + pick(26);
      words.push_back(w);
    }
    run(words, base, "ties at the n-th place resolve by lower index");
  }
  // Jaro-Winkler's first characters: the same letters behind first code points that are equal,
  // different, or different but alike under first_hash (0x61, 0x161, 0x10061), astral ones too.
  {
    const uint32_t firsts[] = {'a', 0x161, 0x10061, 'b', 0x1f600, 0x1f601};
    std::vector<Word> words;
    for (int i = 0; i < 6000; ++i) {
      Word w = {firsts[pick(6)], 'p', 'p', 'l', 'e'};
      if (pick(3) == 0) std::swap(w[1 + pick(4)], w[1 + pick(4)]);
      if (pick(4) == 0) w.push_back('s');
      words.push_back(w);
    }
    run(words, Word{'a', 'p', 'p', 'l', 'e'}, "first-character-aware bound, hash-alike first characters");
    run(words, Word{0x1f600, 'p', 'l', 'p', 'e'}, "first-character-aware bound, astral first character");
  }
  // Long queries and words: more than 15 misses, which the 4-bit counter only knows as "15 or
  // more", and query buckets past level 4.
  {
    std::vector<Word> words;
    for (int i = 0; i < 5000; ++i) {
      Word w(20 + pick(60));
      for (auto& c : w) c = 'a' + pick(pick(2) ? 4 : 26);
      words.push_back(w);
    }
    Word q(50);
    for (auto& c : q) c = 'a' + pick(26);
    run(words, q, "long queries, counts past 15 misses");
    run(words, Word(40, 'a'), "a query of one repeated letter");
  }
  // A corpus smaller than n, with an empty word and an empty query.
  run({{}, {'a'}, {'b', 'a'}}, Word{}, "n past a tiny corpus, empty query");
  run({{}, {'a'}, {'b', 'a'}}, Word{'a', 'b'}, "n past a tiny corpus");
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20261125);
  auto pick = [&](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  const uint32_t alphabets[][2] = {{'a', 'c'}, {'a', 'z'}, {0xe0, 0x2ff}, {0x1f600, 0x1f60f}, {0xd800, 0xd805}};
  long passed = 0, failed = 0;
  strdist::ThreadPool no_threads(0);
  // The Levenshtein metrics score in SIMD lanes: every ISA path this CPU has, in turn.
  std::vector<strdist::SimdPath> paths;
  for (strdist::SimdPath p : {strdist::SimdPath::Scalar, strdist::SimdPath::Avx2, strdist::SimdPath::Avx512}) {
    if (strdist::simd_path_supported(p)) paths.push_back(p);
  }
  for (int r = 0; r < rounds; ++r) {
    const auto& al = alphabets[pick(5)];
    auto word = [&](size_t maxlen) {
      Word w(pick(maxlen + 1));
      for (auto& c : w) c = al[0] + pick(al[1] - al[0] + 1);
      return w;
    };
    std::vector<Word> words(pick(r % 10 == 0 ? 6000 : 300));
    for (auto& w : words) w = word(pick(10) == 0 ? 90 : 12);
    std::vector<uint32_t> points, lengths;
    for (const auto& w : words) {
      points.insert(points.end(), w.begin(), w.end());
      lengths.push_back(static_cast<uint32_t>(w.size()));
    }
    points.push_back(0);
    strdist::CorpusIndex index(points.data(), lengths.data(), words.size());
    for (int k = 0; k < 4; ++k) {
      const Word q = pick(3) == 0 && !words.empty() ? words[pick(words.size())] : word(pick(8) == 0 ? 40 : 14);
      strdist::SearchOptions o;
      o.metric = static_cast<Metric>(pick(4));
      o.n = 1 + pick(20);
      o.prefix_weight = pick(2) ? 0.1 : 0.25;
      if (pick(3) == 0) o.min_score = (pick(100)) / 100.0;
      if (pick(3) == 0) o.max_distance = pick(6);
      const std::vector<Match> want = brute(words, q, o);
      for (unsigned threads : {1u, 2u, 3u, 4u, 5u}) {
        // 4: a pool that could start no thread; 5: n far past the corpus size, on 2 threads
        o.threads = threads == 4 ? 3 : threads == 5 ? 2 : threads;
        o.pool = threads == 4 ? &no_threads : nullptr;
        strdist::set_simd_path(paths[(size_t(r) + threads) % paths.size()]);
        const size_t n = o.n;
        if (threads == 5 && want.size() < n) o.n = SIZE_MAX - pick(3);
        const std::vector<Match> got = index.search(q.data(), q.size(), o);
        o.n = n;
        bool same = got.size() == want.size();
        for (size_t i = 0; same && i < got.size(); ++i) same = got[i].score == want[i].score && got[i].index == want[i].index;
        if (same) {
          ++passed;
        } else if (++failed <= 5) {
          std::fprintf(stderr, "corpus: mismatch: metric %d n %zu threads %u words %zu (got %zu, want %zu)\n",
                       static_cast<int>(o.metric), o.n, threads, words.size(), got.size(), want.size());
        }
      }
    }
  }
  std::printf("corpus: %ld passed, %ld failed\n", passed, failed);
  check_bounds(rng);
  check_edges(rng);
  check_pool();
  std::printf("bounds, edges, pool: %ld passed, %ld failed\n", g_passed, g_failed);
  return failed == 0 && g_failed == 0 ? 0 : 1;
}
