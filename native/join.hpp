// Fuzzy joins over a packed corpus (corpus.hpp): every pair within a fixed cutoff, exact.
//
// A join is a closest-word search whose cutoff never moves: the user's threshold. The same
// index prunes it, with the same provable bounds (a word is skipped only when an upper bound
// on its score is below the threshold):
//   - length groups: a group is skipped when even a perfect overlap at its length cannot reach
//     the threshold (Levenshtein: |q - w| > d; Jaro: (min/q + min/w + 1)/3 below it);
//   - signatures: within a group, the words whose common-character bound reaches the count the
//     threshold needs (corpus.hpp's filter, branch-free, 512 signatures at a time);
//   - survivors go to the query's cached bit-parallel scorer, with the threshold as its cutoff.
//
// join():      each query against the whole corpus, results in `closest` order (best first,
//              ties to the lower index), spread over threads by whole queries.
// self_join(): each word of a range of slots (index order: by length, then corpus order)
//              against the words after it only: the rest of its own length group and the
//              longer groups the length bound admits, so every unordered pair is looked at
//              once, from its shorter (or, at equal lengths, earlier) word. Pairs come back as
//              (lower index, higher index, score), sorted. The metrics are symmetric, so the
//              score from either side is the same number.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "corpus.hpp"

namespace strdist {

struct JoinOptions {
  Metric metric = Metric::Jaro;
  double prefix_weight = 0.1;
  // The threshold: similarities keep scores >= min_score; Levenshtein keeps d <= max_distance.
  double min_score = 0.0;
  size_t max_distance = SIZE_MAX;
  unsigned threads = 1;
  const std::atomic<bool>* cancel = nullptr;
  ThreadPool* pool = nullptr;  // nullptr: shared_pool()
};

// A self-join pair: corpus indices (positions in the index's own order), left < right.
struct JoinPair {
  uint32_t left;
  uint32_t right;
  double score;
};

inline bool operator<(const JoinPair& a, const JoinPair& b) {
  return a.left < b.left || (a.left == b.left && a.right < b.right);
}

class CorpusJoin {
 public:
  explicit CorpusJoin(const CorpusIndex& index) : ix_(index) {}

  // Slots of the index order (0 .. size()): the unit a self-join is chunked by.
  size_t slots() const { return ix_.count_; }

  // Every corpus word within the threshold of each query, in closest order. Aligned with
  // `queries`; an entry left empty when cancelled.
  std::vector<std::vector<Match>> join(const std::vector<std::vector<uint32_t>>& queries, const JoinOptions& opt,
                                       SearchStats* stats = nullptr) const {
    std::vector<std::vector<Match>> out(queries.size());
    const unsigned threads = std::max(1u, std::min<unsigned>(opt.threads, static_cast<unsigned>(std::max<size_t>(queries.size(), 1))));
    std::atomic<size_t> next(0);
    std::vector<SearchStats> st(threads);
    auto work = [&](unsigned t) {
      Scratch scratch(ix_.max_length_);
      std::vector<detail::Entry> found;
      for (;;) {
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= queries.size() || cancelled(opt)) return;
        const auto& q = queries[i];
        Left left(q.data(), q.size(), opt);
        found.clear();
        for (size_t g = 0; g < ix_.groups_.size(); ++g) {
          visit_group(left, opt, g, 0, scratch, st[t], [&](double key, uint32_t index) { found.push_back({key, index}); });
        }
        std::sort(found.begin(), found.end(), detail::before);
        const bool lower = lower_is_better(opt.metric);
        out[i].reserve(found.size());
        for (const auto& e : found) out[i].push_back({lower ? -e.key : e.key, e.index});
      }
    };
    if (threads == 1) work(0);
    else pool_of(opt).run(threads, work);
    add_stats(stats, st);
    return out;
  }

  // The pairs whose left word sits in slots [from, to) of the index order, sorted.
  std::vector<JoinPair> self_join(size_t from, size_t to, const JoinOptions& opt, SearchStats* stats = nullptr) const {
    to = std::min(to, ix_.count_);
    if (from >= to) return {};
    constexpr size_t kBlock = 32;
    const size_t blocks = (to - from + kBlock - 1) / kBlock;
    const unsigned threads = std::max(1u, std::min<unsigned>(opt.threads, static_cast<unsigned>(blocks)));
    std::vector<std::vector<JoinPair>> parts(threads);
    std::vector<SearchStats> st(threads);
    std::atomic<size_t> next(0);
    auto work = [&](unsigned t) {
      Scratch scratch(ix_.max_length_);
      std::vector<uint32_t> word;
      std::vector<JoinPair>& pairs = parts[t];
      for (;;) {
        const size_t b = next.fetch_add(1, std::memory_order_relaxed);
        if (b >= blocks || cancelled(opt)) return;
        const size_t s0 = from + b * kBlock, s1 = std::min(to, s0 + kBlock);
        for (size_t slot = s0; slot < s1; ++slot) {
          const size_t g = group_of_slot(slot);
          const auto& grp = ix_.groups_[g];
          const size_t k = slot - grp.first;
          word.resize(grp.length);
          for (uint32_t j = 0; j < grp.length; ++j) word[j] = ix_.at(grp, k, j);
          const uint32_t me = ix_.index_of(grp, k);
          Left left(word.data(), word.size(), opt);
          auto emit = [&](double key, uint32_t other) {
            const double score = lower_is_better(opt.metric) ? -key : key;
            pairs.push_back(me < other ? JoinPair{me, other, score} : JoinPair{other, me, score});
          };
          // the rest of its own group, then the longer groups while the length bound admits them
          visit_group(left, opt, g, k + 1, scratch, st[t], emit);
          for (size_t h = g + 1; h < ix_.groups_.size(); ++h) {
            if (!visit_group(left, opt, h, 0, scratch, st[t], emit)) break;
          }
        }
      }
    };
    if (threads == 1) work(0);
    else pool_of(opt).run(threads, work);
    add_stats(stats, st);
    size_t total = 0;
    for (const auto& p : parts) total += p.size();
    std::vector<JoinPair> out;
    out.reserve(total);
    for (auto& p : parts) {
      out.insert(out.end(), p.begin(), p.end());
      std::vector<JoinPair>().swap(p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  static bool cancelled(const JoinOptions& opt) { return opt.cancel && opt.cancel->load(std::memory_order_relaxed); }
  static ThreadPool& pool_of(const JoinOptions& opt) { return opt.pool ? *opt.pool : shared_pool(); }

  static SearchOptions search_options(const JoinOptions& o) {
    SearchOptions s;
    s.metric = o.metric;
    s.prefix_weight = o.prefix_weight;
    s.min_score = o.min_score;
    s.max_distance = o.max_distance;
    return s;
  }

  // The query side: its signature, its cached scorer, and the fixed floor (a key).
  struct Left {
    const uint32_t* q;
    size_t ql;
    detail::QuerySignature sig;
    SearchOptions so;
    double floor;
    std::unique_ptr<CachedLevenshtein> lev;
    std::unique_ptr<CachedJaro> jaro;
    std::unique_ptr<CachedJaroWinkler> jw;
    Left(const uint32_t* q_, size_t ql_, const JoinOptions& opt)
        : q(q_), ql(ql_), sig(q_, ql_), so(search_options(opt)), floor(CorpusIndex::user_floor(so)) {
      switch (opt.metric) {
        case Metric::Levenshtein:
        case Metric::LevenshteinSimilarity: lev.reset(new CachedLevenshtein(q, ql)); break;
        case Metric::Jaro: jaro.reset(new CachedJaro(q, ql)); break;
        case Metric::JaroWinkler: jw.reset(new CachedJaroWinkler(q, ql, opt.prefix_weight)); break;
      }
    }
  };

  struct Scratch {
    std::vector<uint32_t> buf;
    explicit Scratch(uint32_t max_length) : buf(size_t(max_length) + 1) {}
  };

  size_t group_of_slot(size_t slot) const {
    // groups_ are in slot order: the last group whose first slot is <= slot
    size_t lo = 0, hi = ix_.groups_.size();
    while (hi - lo > 1) {
      const size_t mid = lo + (hi - lo) / 2;
      if (ix_.groups_[mid].first <= slot) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  // Scores the words of group g from its k-th on that may reach the floor; emit(key, index)
  // for each that does. Returns false when the length bound alone rules the group out (then
  // every group further from the query's length is ruled out too).
  template <class Emit>
  bool visit_group(const Left& left, const JoinOptions& opt, size_t g, size_t from_k, Scratch& scratch,
                   SearchStats& st, Emit&& emit) const {
    const auto& grp = ix_.groups_[g];
    const size_t w = grp.length;
    if (CorpusIndex::key_bound(left.so, left.ql, w, std::min(left.ql, w)) < left.floor) return false;
    if (from_k >= grp.count) return true;
    const size_t need = CorpusIndex::need_common(left.so, left.ql, w, left.floor);
    if (need == SIZE_MAX) return true;
    switch (ix_.width_) {
      case 1: scan<uint8_t>(left, opt, grp, from_k, need, scratch, st, emit); break;
      case 2: scan<uint16_t>(left, opt, grp, from_k, need, scratch, st, emit); break;
      default: scan<uint32_t>(left, opt, grp, from_k, need, scratch, st, emit);
    }
    return true;
  }

  template <class CharT, class Group, class Emit>
  void scan(const Left& left, const JoinOptions& opt, const Group& grp, size_t from_k, size_t need, Scratch& scratch,
            SearchStats& st, Emit& emit) const {
    const size_t w = grp.length;
    const size_t ql = left.ql;
    const double floor = left.floor;
    const CharT* text = reinterpret_cast<const CharT*>(ix_.text_.data()) + grp.text;
    uint32_t* buf = scratch.buf.data();
    // the scorers' cutoffs for this length (fixed: the floor never moves in a join)
    size_t lev_cutoff = SIZE_MAX;
    if (opt.metric == Metric::Levenshtein) {
      lev_cutoff = std::isinf(floor) ? SIZE_MAX : static_cast<size_t>(-floor);
    } else if (opt.metric == Metric::LevenshteinSimilarity) {
      const size_t mx = std::max(ql, w);
      if (mx > 0 && floor > 0) {
        const double c = std::ceil((1.0 - floor) * static_cast<double>(mx)) + 1.0;
        if (c < static_cast<double>(mx)) lev_cutoff = static_cast<size_t>(c);
      }
    }
    const double min_sim = std::max(0.0, floor);
    const detail::FilterFn filter = detail::pick_filter();
    constexpr size_t kChunk = 512;
    uint32_t hits[kChunk];
    for (size_t chunk = from_k; chunk < grp.count; chunk += kChunk) {
      const size_t len = std::min(kChunk, grp.count - chunk);
      st.visited += len;
      const size_t found =
          filter(ix_.sigs_.data() + grp.first + chunk, len, left.sig.filter, static_cast<uint32_t>(need), hits);
      for (size_t h = 0; h < found; ++h) {
        const size_t k = chunk + hits[h];
        const CharT* s = text + k * w;
        for (size_t j = 0; j < w; ++j) buf[j] = s[j];
        ++st.scored;
        double key;
        switch (opt.metric) {
          case Metric::Levenshtein: {
            const size_t d = left.lev->distance(buf, w, lev_cutoff);
            if (lev_cutoff != SIZE_MAX && d > lev_cutoff) continue;
            key = -static_cast<double>(d);
            break;
          }
          case Metric::LevenshteinSimilarity: {
            const size_t mx = std::max(ql, w);
            const size_t d = left.lev->distance(buf, w, lev_cutoff);
            if (lev_cutoff != SIZE_MAX && d > lev_cutoff) continue;
            key = mx == 0 ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(mx);
            break;
          }
          case Metric::Jaro: key = left.jaro->similarity(buf, w, min_sim); break;
          default: key = left.jw->similarity(buf, w, min_sim);
        }
        if (key < floor) continue;
        emit(key, ix_.index_of(grp, k));
      }
    }
  }

  const CorpusIndex& ix_;
};

}  // namespace strdist
