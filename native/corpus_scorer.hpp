// The corpus search's scorer dispatch, written once: the query's cached kernel for the metric,
// and the key of one word given the running floor (the key a word must reach to matter), with
// the floor turned into each kernel's cutoff.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

#include "corpus_options.hpp"
#include "jaro.hpp"
#include "levenshtein.hpp"
#include "multi_levenshtein.hpp"

namespace strdist {
namespace detail {

class QueryScorer {
 public:
  QueryScorer(const uint32_t* q, size_t ql, const SearchOptions& opt) : metric_(opt.metric), ql_(ql) {
    switch (opt.metric) {
      case Metric::Levenshtein:
      case Metric::LevenshteinSimilarity:
        lev_.reset(new CachedLevenshtein(q, ql));
        alphabet_.reset(new QueryAlphabet(q, ql));
        break;
      case Metric::Jaro: jaro_.reset(new CachedJaro(q, ql)); break;
      case Metric::JaroWinkler: jw_.reset(new CachedJaroWinkler(q, ql, opt.prefix_weight)); break;
    }
  }

  // The key of word b (lb code points), or -infinity when it cannot reach `floor`. A key below
  // the floor may also come back (a kernel's 0 for "below the cutoff"): callers drop it.
  double key(const uint32_t* b, size_t lb, double floor) const {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    switch (metric_) {
      case Metric::Levenshtein: {
        const size_t cutoff = std::isinf(floor) ? SIZE_MAX : static_cast<size_t>(-floor);
        const size_t d = lev_->distance(b, lb, cutoff);
        if (cutoff != SIZE_MAX && d > cutoff) return -kInf;
        return levenshtein_key(d, lb);
      }
      case Metric::LevenshteinSimilarity: {
        const size_t mx = std::max(ql_, lb);
        size_t cutoff = SIZE_MAX;
        if (mx > 0 && floor > 0) {
          // d <= (1 - floor) * mx, with one unit of slack against rounding
          const double c = std::ceil((1.0 - floor) * static_cast<double>(mx)) + 1.0;
          if (c < static_cast<double>(mx)) cutoff = static_cast<size_t>(c);
        }
        const size_t d = lev_->distance(b, lb, cutoff);
        if (cutoff != SIZE_MAX && d > cutoff) return -kInf;
        return levenshtein_key(d, lb);
      }
      case Metric::Jaro: return jaro_->similarity(b, lb, std::max(0.0, floor));
      case Metric::JaroWinkler: return jw_->similarity(b, lb, std::max(0.0, floor));
    }
    return -kInf;
  }

  // The Levenshtein metrics' key of a word of lb code points at exact distance d (what the
  // lane kernels give).
  double levenshtein_key(size_t d, size_t lb) const {
    if (metric_ == Metric::Levenshtein) return -static_cast<double>(d);
    const size_t mx = std::max(ql_, lb);
    return mx == 0 ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(mx);
  }

  // The query's Levenshtein kernel, and its distinct code points for the lane batches (the
  // Levenshtein metrics only).
  const CachedLevenshtein& levenshtein() const { return *lev_; }
  const QueryAlphabet& alphabet() const { return *alphabet_; }

 private:
  Metric metric_;
  size_t ql_;
  std::unique_ptr<CachedLevenshtein> lev_;
  std::unique_ptr<QueryAlphabet> alphabet_;
  std::unique_ptr<CachedJaro> jaro_;
  std::unique_ptr<CachedJaroWinkler> jw_;
};

}  // namespace detail
}  // namespace strdist
