// What a corpus search is asked (metric, n, cutoffs, threads) and what it answers (matches and
// work counters). Shared by the search (corpus.hpp) and the joins (join.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pool.hpp"

namespace strdist {

enum class Metric : int { Levenshtein = 0, LevenshteinSimilarity = 1, Jaro = 2, JaroWinkler = 3 };

inline bool lower_is_better(Metric m) { return m == Metric::Levenshtein; }

// One result: `score` is the distance for Levenshtein, else the similarity.
struct Match {
  double score;
  uint32_t index;
};

struct SearchOptions {
  Metric metric = Metric::Jaro;
  size_t n = 10;
  double prefix_weight = 0.1;
  // Similarity metrics: results below this are left out. Levenshtein: distances above
  // max_distance are left out.
  double min_score = 0.0;
  size_t max_distance = SIZE_MAX;
  unsigned threads = 1;
  const std::atomic<bool>* cancel = nullptr;
  ThreadPool* pool = nullptr;  // where the threads come from; nullptr: shared_pool()
};

struct SearchStats {
  uint64_t visited = 0;  // words whose signature was checked
  uint64_t scored = 0;   // words given to the full scorer
#ifdef STRDIST_SEARCH_COUNTERS
  // Work counters for tuning, compiled in only on request (-DSTRDIST_SEARCH_COUNTERS).
  uint64_t planes = 0;   // 64-word signature planes read by the search
  uint64_t buckets = 0;  // bound buckets enumerated
#endif
};

inline void add_stats(SearchStats* total, const std::vector<SearchStats>& parts) {
  if (!total) return;
  for (const SearchStats& s : parts) {
    total->visited += s.visited;
    total->scored += s.scored;
#ifdef STRDIST_SEARCH_COUNTERS
    total->planes += s.planes;
    total->buckets += s.buckets;
#endif
  }
}

}  // namespace strdist
