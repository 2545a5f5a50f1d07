// Naive references for the native kernels, written plainly from the definitions (full dynamic
// programming, jellyfish-style Jaro, a brute-force top n), shared by the standalone tests
// (native_test.cc, corpus_test.cc) and the fuzz targets (native/fuzz/).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../corpus.hpp"

namespace strdist_test {

using Seq = std::vector<uint32_t>;

// Full dynamic-programming matrix.
inline size_t naive_levenshtein(const Seq& a, const Seq& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<uint32_t> D((n + 1) * (m + 1));
  auto at = [&](size_t i, size_t j) -> uint32_t& { return D[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<uint32_t>(i);
  for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      uint32_t best = at(i - 1, j) + 1;
      best = std::min(best, at(i, j - 1) + 1);
      best = std::min(best, at(i - 1, j - 1) + (a[i - 1] != b[j - 1] ? 1u : 0u));
      at(i, j) = best;
    }
  }
  return at(n, m);
}

// jellyfish-style O(n * m) Jaro: each character of a, in order, flags the first
// unflagged equal character of b within the window.
inline double naive_jaro(const Seq& a, const Seq& b) {
  const size_t la = a.size(), lb = b.size();
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  size_t range = std::max(la, lb) / 2;
  range = range > 0 ? range - 1 : 0;
  std::vector<bool> fa(la, false), fb(lb, false);
  size_t common = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > range ? i - range : 0;
    const size_t hi = std::min(i + range, lb - 1);
    for (size_t j = lo; j <= hi && j < lb; ++j) {
      if (!fb[j] && b[j] == a[i]) {
        fa[i] = true;
        fb[j] = true;
        ++common;
        break;
      }
    }
  }
  if (common == 0) return 0.0;
  size_t k = 0, trans = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!fa[i]) continue;
    size_t j = k;
    while (!fb[j]) ++j;
    k = j + 1;
    if (a[i] != b[j]) ++trans;
  }
  const size_t t = trans / 2;
  double md = static_cast<double>(common);
  return (md / static_cast<double>(la) + md / static_cast<double>(lb) + (md - static_cast<double>(t)) / md) /
         3.0;
}

inline double naive_jaro_winkler(const Seq& a, const Seq& b, double p) {
  double sim = naive_jaro(a, b);
  size_t l = 0;
  while (l < 4 && l < a.size() && l < b.size() && a[l] == b[l]) ++l;
  if (sim > 0.7) sim = sim + static_cast<double>(l) * p * (1.0 - sim);
  return sim;
}

// A score by the naive references (levenshtein_similarity by its definition).
inline double naive_score(strdist::Metric m, const Seq& q, const Seq& w, double prefix_weight) {
  switch (m) {
    case strdist::Metric::Levenshtein: return static_cast<double>(naive_levenshtein(q, w));
    case strdist::Metric::LevenshteinSimilarity:
      if (q.empty() && w.empty()) return 1.0;
      return 1.0 - static_cast<double>(naive_levenshtein(q, w)) / static_cast<double>(std::max(q.size(), w.size()));
    case strdist::Metric::Jaro: return naive_jaro(q, w);
    case strdist::Metric::JaroWinkler: return naive_jaro_winkler(q, w, prefix_weight);
  }
  return 0;
}

// The search's answer by scoring every word with the naive references and sorting: best
// first, ties to the lower index, cutoffs and n as SearchOptions has them.
inline std::vector<strdist::Match> brute(const std::vector<Seq>& words, const Seq& q, const strdist::SearchOptions& o) {
  using strdist::Match;
  const bool lower = o.metric == strdist::Metric::Levenshtein;
  std::vector<Match> all;
  for (size_t i = 0; i < words.size(); ++i) {
    const double s = naive_score(o.metric, q, words[i], o.prefix_weight);
    if (lower ? (o.max_distance != SIZE_MAX && s > static_cast<double>(o.max_distance)) : s < o.min_score) continue;
    all.push_back({s, static_cast<uint32_t>(i)});
  }
  std::sort(all.begin(), all.end(), [&](const Match& a, const Match& b) {
    if (a.score != b.score) return lower ? a.score < b.score : a.score > b.score;
    return a.index < b.index;
  });
  if (all.size() > o.n) all.resize(o.n);
  return all;
}

}  // namespace strdist_test
