// Exact top-k closest-word search over a packed corpus.
//
// The corpus is packed once: words grouped by length (each group contiguous, in corpus order),
// code points stored 1, 2 or 4 bytes wide (the narrowest that fits the whole corpus), and a
// 128-bit character signature per word. A query visits the length groups outward from its own
// length, so good matches are found early and the running k-th best score becomes a strong
// cutoff. Every pruning step is an upper bound on the score, so nothing that belongs in the
// result is ever skipped:
//   - length: Jaro <= (min/q + min/w + 1)/3, Levenshtein >= |q - w|;
//   - characters: the common characters of query and word (multiset intersection) are at most
//     sum over 32 buckets of min(count_q, count_w); the signature stores each bucket's count as
//     a thermometer code (levels 1..4), so that sum is popcount(q & w) over two words, plus the
//     query's excess over level 4 wherever the word is saturated. Jaro's matches m are at most
//     the common characters; Levenshtein's d >= max(q, w) - common.
// Survivors are scored by the cached bit-parallel kernels with the running cutoff passed down.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "filter.hpp"
#include "jaro.hpp"
#include "levenshtein.hpp"
#include "pool.hpp"

namespace strdist {

enum class Metric : int { Levenshtein = 0, LevenshteinSimilarity = 1, Jaro = 2, JaroWinkler = 3 };

inline bool lower_is_better(Metric m) { return m == Metric::Levenshtein; }

// One result: `score` is the distance for Levenshtein, else the similarity.
struct Match {
  double score;
  uint32_t index;
};

namespace detail {

inline uint32_t bucket_of(uint32_t c) { return (c ^ (c >> 5) ^ (c >> 10) ^ (c >> 15)) & 31u; }

template <typename CharT>
inline Signature signature_of(const CharT* s, size_t n, uint16_t* counts /* [32], zeroed */) {
  for (size_t i = 0; i < n; ++i) ++counts[bucket_of(static_cast<uint32_t>(s[i]))];
  Signature sig;
  for (uint32_t b = 0; b < 32; ++b) {
    const uint32_t c = counts[b];
    if (c >= 1) sig.lo |= uint64_t(1) << b;
    if (c >= 2) sig.lo |= uint64_t(1) << (32 + b);
    if (c >= 3) sig.hi |= uint64_t(1) << b;
    if (c >= 4) sig.hi |= uint64_t(1) << (32 + b);
  }
  return sig;
}


// The query side of the character bound.
struct QuerySignature {
  Signature sig;
  uint32_t excess_mask = 0;     // buckets where the query has more than 4
  uint32_t excess[32] = {0};    // count - 4 there
  FilterQuery filter;

  explicit QuerySignature(const uint32_t* q, size_t n) {
    uint16_t counts[32] = {0};
    std::vector<uint32_t> full(32, 0);
    for (size_t i = 0; i < n; ++i) ++full[bucket_of(q[i])];
    for (uint32_t b = 0; b < 32; ++b) {
      counts[b] = static_cast<uint16_t>(std::min<uint32_t>(full[b], 4));
      if (full[b] > 4) {
        excess_mask |= 1u << b;
        excess[b] = full[b] - 4;
      }
    }
    for (uint32_t b = 0; b < 32; ++b) {
      const uint32_t c = counts[b];
      if (c >= 1) sig.lo |= uint64_t(1) << b;
      if (c >= 2) sig.lo |= uint64_t(1) << (32 + b);
      if (c >= 3) sig.hi |= uint64_t(1) << b;
      if (c >= 4) sig.hi |= uint64_t(1) << (32 + b);
    }
    filter.lo = sig.lo;
    filter.hi = sig.hi;
    filter.excess_mask = excess_mask;
    for (uint32_t b = 0; b < 32; ++b) filter.excess_total += excess[b];
  }

  // An upper bound on the multiset intersection of the query's and the word's code points.
  uint32_t common_bound(const Signature& w) const {
    uint32_t c = static_cast<uint32_t>(popcount64(sig.lo & w.lo) + popcount64(sig.hi & w.hi));
    uint32_t sat = excess_mask & static_cast<uint32_t>(w.hi >> 32);
    while (sat) {
      c += excess[ctz64(sat)];
      sat &= sat - 1;
    }
    return c;
  }
};

// Keys are "higher is better" for every metric: Levenshtein's key is -distance.
struct Entry {
  double key;
  uint32_t index;
};
// a ranks before b: better key, then lower index.
inline bool before(const Entry& a, const Entry& b) {
  return a.key > b.key || (a.key == b.key && a.index < b.index);
}

// The n best entries seen so far, worst at the top of a heap.
class TopK {
 public:
  explicit TopK(size_t n) : n_(n) { heap_.reserve(std::min<size_t>(n, 1 << 16)); }
  bool full() const { return heap_.size() >= n_; }
  const Entry& worst() const { return heap_.front(); }
  // Offer an entry; returns true when it entered.
  bool offer(const Entry& e) {
    if (n_ == 0) return false;
    if (!full()) {
      heap_.push_back(e);
      std::push_heap(heap_.begin(), heap_.end(), before);
      return true;
    }
    if (!before(e, heap_.front())) return false;
    std::pop_heap(heap_.begin(), heap_.end(), before);
    heap_.back() = e;
    std::push_heap(heap_.begin(), heap_.end(), before);
    return true;
  }
  std::vector<Entry>& entries() { return heap_; }

 private:
  size_t n_;
  std::vector<Entry> heap_;  // a max-heap under `before`: front() ranks last
};

// Bounds may be off by rounding in the last bits; a margin far above that keeps them safe.
constexpr double kMargin = 1e-9;

inline void atomic_raise(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (v > cur && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace detail

class CorpusJoin;  // join.hpp: every pair within a fixed cutoff, over this index

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
};

inline void add_stats(SearchStats* total, const std::vector<SearchStats>& parts) {
  if (!total) return;
  for (const SearchStats& s : parts) {
    total->visited += s.visited;
    total->scored += s.scored;
  }
}

class CorpusIndex {
  friend class CorpusJoin;
  friend class CorpusWords;  // corpus_words.hpp: the words read back from the index

 public:
  // `points` holds every word's code points back to back; lengths[i] is word i's length.
  CorpusIndex(const uint32_t* points, const uint32_t* lengths, size_t count) : count_(count) {
    uint32_t maxcp = 0;
    size_t total = 0;
    uint32_t maxlen = 0;
    for (size_t i = 0; i < count; ++i) {
      maxlen = std::max(maxlen, lengths[i]);
      total += lengths[i];
    }
    for (size_t i = 0; i < total; ++i) maxcp = std::max(maxcp, points[i]);
    width_ = maxcp < 0x100 ? 1 : maxcp < 0x10000 ? 2 : 4;
    max_length_ = maxlen;

    // Group by length, stable (corpus order inside a group).
    std::vector<uint32_t> per_length(size_t(maxlen) + 1, 0);
    for (size_t i = 0; i < count; ++i) ++per_length[lengths[i]];
    std::vector<size_t> start(size_t(maxlen) + 2, 0);
    for (size_t l = 0; l <= maxlen; ++l) start[l + 1] = start[l] + per_length[l];
    std::vector<size_t> word_start(count);
    {
      size_t off = 0;
      for (size_t i = 0; i < count; ++i) {
        word_start[i] = off;
        off += lengths[i];
      }
    }
    for (size_t l = 0; l <= maxlen; ++l) {
      if (per_length[l] == 0) continue;
      Group g;
      g.length = static_cast<uint32_t>(l);
      g.first = start[l];
      g.count = per_length[l];
      groups_.push_back(g);
    }
    // text offset of each group: slots before it times their lengths
    {
      size_t off = 0;
      for (auto& g : groups_) {
        g.text = off;
        off += g.count * g.length;
      }
      text_.resize(off * width_);
    }
    index_.resize(count);
    sigs_.resize(count);
    std::vector<size_t> fill(size_t(maxlen) + 1, 0);
    std::vector<size_t> group_of_length(size_t(maxlen) + 1, 0);
    for (size_t gi = 0; gi < groups_.size(); ++gi) group_of_length[groups_[gi].length] = gi;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t l = lengths[i];
      const Group& g = groups_[group_of_length[l]];
      const size_t k = fill[l]++;
      const size_t slot = g.first + k;
      index_[slot] = static_cast<uint32_t>(i);
      const uint32_t* src = points + word_start[i];
      const size_t at = (g.text + k * l) * width_;
      uint16_t counts[32] = {0};
      switch (width_) {
        case 1: {
          uint8_t* dst = text_.data() + at;
          for (uint32_t j = 0; j < l; ++j) dst[j] = static_cast<uint8_t>(src[j]);
          sigs_[slot] = detail::signature_of(dst, l, counts);
          break;
        }
        case 2: {
          uint16_t* dst = reinterpret_cast<uint16_t*>(text_.data() + at);
          for (uint32_t j = 0; j < l; ++j) dst[j] = static_cast<uint16_t>(src[j]);
          sigs_[slot] = detail::signature_of(dst, l, counts);
          break;
        }
        default: {
          uint32_t* dst = reinterpret_cast<uint32_t*>(text_.data() + at);
          std::memcpy(dst, src, l * sizeof(uint32_t));
          sigs_[slot] = detail::signature_of(dst, l, counts);
        }
      }
    }
  }

  size_t size() const { return count_; }
  int width() const { return width_; }
  size_t memory_bytes() const {
    return text_.capacity() + sigs_.capacity() * sizeof(detail::Signature) +
           index_.capacity() * sizeof(uint32_t) + groups_.capacity() * sizeof(Group);
  }

  // Copies word i (by corpus index) out as code points. Slow; for tests and tools.
  std::vector<uint32_t> word(uint32_t corpus_index) const {
    for (const Group& g : groups_) {
      for (size_t k = 0; k < g.count; ++k) {
        if (index_[g.first + k] == corpus_index) {
          std::vector<uint32_t> out(g.length);
          for (uint32_t j = 0; j < g.length; ++j) out[j] = at(g, k, j);
          return out;
        }
      }
    }
    return {};
  }

  // The exact top n for one query, best first (ties: lower corpus index first).
  //
  // Levenshtein first searches with small distance limits (2, 4, 8, 16: an exponential
  // search on the cutoff): a limit lets the length and character bounds discard nearly every
  // word before any scoring, and once a limited search finds n words, those are the answer
  // (every word within the limit was seen, and n of them beat anything beyond it).
  std::vector<Match> search(const uint32_t* q, size_t ql, const SearchOptions& options,
                            SearchStats* stats = nullptr) const {
    // No more results than words: n may be anything up to SIZE_MAX, and nothing below may
    // allocate by it.
    SearchOptions opt = options;
    opt.n = std::min(opt.n, count_);
    if (opt.metric == Metric::Levenshtein && opt.n > 0) {
      for (size_t limit = 2; limit < opt.max_distance && limit <= 16; limit *= 2) {
        SearchOptions o = opt;
        o.max_distance = limit;
        std::vector<Match> r = search_once(q, ql, o, stats);
        if (r.size() >= opt.n) return r;
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) return r;
      }
    }
    return search_once(q, ql, opt, stats);
  }

 private:
  std::vector<Match> search_once(const uint32_t* q, size_t ql, const SearchOptions& opt,
                                 SearchStats* stats) const {
    const unsigned threads = std::max(1u, opt.threads);
    Query query(q, ql, opt);
    std::vector<detail::TopK> tops;
    std::vector<SearchStats> st(threads);
    tops.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) tops.emplace_back(opt.n);
    std::atomic<double> shared(-std::numeric_limits<double>::infinity());
    if (threads == 1 || count_ < 4096) {
      scan(query, opt, 0, 1, tops[0], shared, st[0]);
    } else {
      pool_of(opt).run(threads, [&](unsigned t) { scan(query, opt, t, threads, tops[t], shared, st[t]); });
    }
    std::vector<detail::Entry> all;
    for (auto& t : tops) all.insert(all.end(), t.entries().begin(), t.entries().end());
    std::sort(all.begin(), all.end(), detail::before);
    if (all.size() > opt.n) all.resize(opt.n);
    std::vector<Match> out;
    out.reserve(all.size());
    const bool lower = lower_is_better(opt.metric);
    for (const auto& e : all) out.push_back({lower ? -e.key : e.key, e.index});
    add_stats(stats, st);
    return out;
  }


 public:
  // Many queries: with at least as many queries as threads, each thread takes whole queries;
  // otherwise each query is split across the threads. Results align with the queries.
  std::vector<std::vector<Match>> search_many(const std::vector<std::vector<uint32_t>>& queries,
                                              const SearchOptions& opt,
                                              SearchStats* stats = nullptr) const {
    std::vector<std::vector<Match>> out(queries.size());
    const unsigned threads = std::max(1u, opt.threads);
    if (threads == 1 || queries.size() < threads) {
      for (size_t i = 0; i < queries.size(); ++i) {
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) break;
        out[i] = search(queries[i].data(), queries[i].size(), opt, stats);
      }
      return out;
    }
    SearchOptions one = opt;
    one.threads = 1;
    std::atomic<size_t> next(0);
    std::vector<SearchStats> st(threads);
    auto work = [&](unsigned t) {
      for (;;) {
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= queries.size()) return;
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) return;
        out[i] = search(queries[i].data(), queries[i].size(), one, &st[t]);
      }
    };
    pool_of(opt).run(threads, work);
    add_stats(stats, st);
    return out;
  }

 private:
  static ThreadPool& pool_of(const SearchOptions& opt) { return opt.pool ? *opt.pool : shared_pool(); }

  struct Group {
    uint32_t length = 0;
    size_t first = 0;  // first slot
    size_t count = 0;
    size_t text = 0;   // first code point (in units of width_)
  };

  // Everything derived from the query once per search.
  struct Query {
    const uint32_t* q;
    size_t ql;
    detail::QuerySignature sig;
    Query(const uint32_t* q_, size_t ql_, const SearchOptions&) : q(q_), ql(ql_), sig(q_, ql_) {}
  };

  uint32_t at(const Group& g, size_t k, uint32_t j) const {
    const size_t i = g.text + k * g.length + j;
    switch (width_) {
      case 1: return text_[i];
      case 2: return reinterpret_cast<const uint16_t*>(text_.data())[i];
      default: return reinterpret_cast<const uint32_t*>(text_.data())[i];
    }
  }

  // Upper bound on the key for a word of length w with at most `common` common code points.
  static double key_bound(const SearchOptions& opt, size_t q, size_t w, size_t common) {
    const size_t mx = std::max(q, w);
    switch (opt.metric) {
      case Metric::Levenshtein:
        return -static_cast<double>(mx - std::min(common, std::min(q, w)));
      case Metric::LevenshteinSimilarity: {
        if (mx == 0) return 1.0;
        const size_t d = mx - std::min(common, std::min(q, w));
        return 1.0 - static_cast<double>(d) / static_cast<double>(mx) + detail::kMargin;
      }
      case Metric::Jaro:
      case Metric::JaroWinkler: {
        if (q == 0 && w == 0) return 1.0;
        const size_t m = std::min(common, std::min(q, w));
        if (m == 0) return 0.0;
        const double md = static_cast<double>(m);
        double j = (md / static_cast<double>(q) + md / static_cast<double>(w) + 1.0) / 3.0;
        if (opt.metric == Metric::JaroWinkler && j > 0.7) j = j + 4.0 * opt.prefix_weight * (1.0 - j);
        return std::min(1.0, j) + detail::kMargin;
      }
    }
    return 1.0;
  }

  // The smallest common count a word of length w needs to possibly reach `floor` (a key);
  // SIZE_MAX when even a perfect overlap cannot.
  static size_t need_common(const SearchOptions& opt, size_t q, size_t w, double floor) {
    const size_t top = std::min(q, w);
    if (key_bound(opt, q, w, top) < floor) return SIZE_MAX;
    size_t lo = 0, hi = top;  // key_bound is non-decreasing in common: find the first passing
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (key_bound(opt, q, w, mid) >= floor) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // The key a result must reach to be kept at all (from the user's cutoff).
  static double user_floor(const SearchOptions& opt) {
    if (opt.metric == Metric::Levenshtein) {
      return opt.max_distance == SIZE_MAX ? -std::numeric_limits<double>::infinity()
                                          : -static_cast<double>(opt.max_distance);
    }
    return opt.min_score;
  }

  template <typename CharT>
  void scan_group(const Query& query, const SearchOptions& opt, const Group& g, size_t from,
                  size_t to, detail::TopK& top, std::atomic<double>& shared, SearchStats& st,
                  std::vector<uint32_t>& buf, const CachedLevenshtein* lev, const CachedJaro* jaro,
                  const CachedJaroWinkler* jw) const {
    const double base = user_floor(opt);
    const size_t w = g.length;
    const size_t ql = query.ql;
    const CharT* text = reinterpret_cast<const CharT*>(text_.data()) + g.text;
    auto floor_now = [&]() {
      double f = std::max(base, shared.load(std::memory_order_relaxed));
      if (top.full()) f = std::max(f, top.worst().key);
      return f;
    };
    double floor = floor_now();
    size_t need = need_common(opt, ql, w, floor);
    if (need == SIZE_MAX) return;
    if (buf.size() < w) buf.resize(w);

    // Scores one word; returns its key, or -infinity when it cannot reach `floor`.
    auto score = [&](size_t k) -> double {
      const CharT* s = text + k * w;
      for (size_t j = 0; j < w; ++j) buf[j] = s[j];
      switch (opt.metric) {
        case Metric::Levenshtein: {
          const size_t cutoff = std::isinf(floor) ? SIZE_MAX : static_cast<size_t>(-floor);
          const size_t d = lev->distance(buf.data(), w, cutoff);
          if (cutoff != SIZE_MAX && d > cutoff) return -kInf;
          return -static_cast<double>(d);
        }
        case Metric::LevenshteinSimilarity: {
          const size_t mx = std::max(ql, w);
          size_t cutoff = SIZE_MAX;
          if (mx > 0 && floor > 0) {
            // d <= (1 - floor) * mx, with one unit of slack against rounding
            const double c = std::ceil((1.0 - floor) * static_cast<double>(mx)) + 1.0;
            if (c < static_cast<double>(mx)) cutoff = static_cast<size_t>(c);
          }
          const size_t d = lev->distance(buf.data(), w, cutoff);
          if (cutoff != SIZE_MAX && d > cutoff) return -kInf;
          return mx == 0 ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(mx);
        }
        case Metric::Jaro:
          return jaro->similarity(buf.data(), w, std::max(0.0, floor));
        case Metric::JaroWinkler:
          return jw->similarity(buf.data(), w, std::max(0.0, floor));
      }
      return -kInf;
    };

    const detail::FilterFn filter = detail::pick_filter();
    constexpr size_t kChunk = 512;
    uint32_t hits[kChunk];
    for (size_t chunk = from; chunk < to; chunk += kChunk) {
      // other threads may have raised the shared floor
      const double f = floor_now();
      if (f != floor) {
        floor = f;
        need = need_common(opt, ql, w, floor);
        if (need == SIZE_MAX) return;
      }
      const size_t len = std::min(kChunk, to - chunk);
      st.visited += len;
      const size_t filtered_at = need;
      const size_t found = filter(sigs_.data() + g.first + chunk, len, query.sig.filter,
                                  static_cast<uint32_t>(need), hits);
      for (size_t h = 0; h < found; ++h) {
        const size_t k = chunk + hits[h];
        const size_t slot = g.first + k;
        // `need` may have risen since this chunk was filtered
        if (need != filtered_at && query.sig.common_bound(sigs_[slot]) < need) continue;
        ++st.scored;
        const detail::Entry e{score(k), index_[slot]};
        // `floor` is the user's cutoff or a score that n results already reach: below it, a
        // word cannot be in the result (and a kernel's 0 for "below the cutoff" is no score).
        if (e.key < floor) continue;
        if (top.offer(e) && top.full()) {
          detail::atomic_raise(shared, top.worst().key);
          const double f2 = floor_now();
          if (f2 != floor) {
            floor = f2;
            need = need_common(opt, ql, w, floor);
            if (need == SIZE_MAX) return;
          }
        }
      }
    }
  }

  // Thread `part` of `parts` scans its share of every length group, outward from the query's
  // length, stopping in each direction once the length bound alone rules a group out.
  void scan(const Query& query, const SearchOptions& opt, unsigned part, unsigned parts,
            detail::TopK& top, std::atomic<double>& shared, SearchStats& st) const {
    if (opt.n == 0 || groups_.empty()) return;
    std::unique_ptr<CachedLevenshtein> lev;
    std::unique_ptr<CachedJaro> jaro;
    std::unique_ptr<CachedJaroWinkler> jw;
    switch (opt.metric) {
      case Metric::Levenshtein:
      case Metric::LevenshteinSimilarity: lev.reset(new CachedLevenshtein(query.q, query.ql)); break;
      case Metric::Jaro: jaro.reset(new CachedJaro(query.q, query.ql)); break;
      case Metric::JaroWinkler: jw.reset(new CachedJaroWinkler(query.q, query.ql, opt.prefix_weight)); break;
    }
    std::vector<uint32_t> buf(max_length_ + 1);
    // first group with length >= ql
    size_t mid = 0;
    while (mid < groups_.size() && groups_[mid].length < query.ql) ++mid;
    ptrdiff_t up = static_cast<ptrdiff_t>(mid), down = static_cast<ptrdiff_t>(mid) - 1;
    bool up_open = true, down_open = true;
    const double base = user_floor(opt);
    while ((up_open && up < static_cast<ptrdiff_t>(groups_.size())) || (down_open && down >= 0)) {
      if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) return;
      // take the nearer length first
      bool take_up;
      if (!(up_open && up < static_cast<ptrdiff_t>(groups_.size()))) take_up = false;
      else if (!(down_open && down >= 0)) take_up = true;
      else take_up = (groups_[up].length - query.ql) <= (query.ql - groups_[down].length);
      const Group& g = groups_[take_up ? up : down];
      double floor = std::max(base, shared.load(std::memory_order_relaxed));
      if (top.full()) floor = std::max(floor, top.worst().key);
      if (key_bound(opt, query.ql, g.length, std::min<size_t>(query.ql, g.length)) < floor) {
        // the length bound only weakens further out: close this direction
        if (take_up) up_open = false;
        else down_open = false;
        continue;
      }
      const size_t from = g.count * part / parts, to = g.count * (part + 1) / parts;
      switch (width_) {
        case 1: scan_group<uint8_t>(query, opt, g, from, to, top, shared, st, buf, lev.get(), jaro.get(), jw.get()); break;
        case 2: scan_group<uint16_t>(query, opt, g, from, to, top, shared, st, buf, lev.get(), jaro.get(), jw.get()); break;
        default: scan_group<uint32_t>(query, opt, g, from, to, top, shared, st, buf, lev.get(), jaro.get(), jw.get());
      }
      if (take_up) ++up;
      else --down;
    }
  }

  static constexpr double kInf = std::numeric_limits<double>::infinity();
  size_t count_ = 0;
  int width_ = 1;
  uint32_t max_length_ = 0;
  std::vector<uint8_t> text_;
  std::vector<Group> groups_;
  std::vector<detail::Signature> sigs_;
  std::vector<uint32_t> index_;
};

}  // namespace strdist
