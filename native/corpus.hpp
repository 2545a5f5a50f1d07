// Exact top-k closest-word search over a packed corpus.
//
// The corpus is packed once: words grouped by length (each group contiguous, in corpus order),
// code points stored 1, 2 or 4 bytes wide (the narrowest that fits the whole corpus), and each
// word's character signature stored bit-sliced per group (corpus_signatures.hpp). The pieces:
//   corpus_options.hpp     what a search is asked and answers
//   corpus_signatures.hpp  signatures, bit planes, the bit-sliced miss counter
//   corpus_bounds.hpp      upper bounds on a word's score (length, characters, prefix)
//   corpus_topk.hpp        the running top n and the result order
//   corpus_scorer.hpp      the cached kernel of the query, one dispatch for every metric
//
// A query is answered best-first by bound. Each length group has a best possible score (a
// perfect character overlap at its length); groups are taken in that order, each split into
// runs of 64 words among the threads. Taking a group reads its planes (the query's, rarest
// first) only as deep as the best competing bound asks (the next group's best, the best
// pending bucket, the floor: the user's cutoff or the running n-th best): a run stops as soon
// as all its words miss too much, usually after a few planes. The words whose misses are known
// fall into buckets of equal bound (one per common count, and for Jaro-Winkler per "first
// characters may match"); a remainder bucket stands for the rest of the group and, when its
// turn comes, reads on from where each run stopped. Buckets are scored in order of their
// bound; the search ends when the n-th best beats every pending bound. No plane of a run is
// read twice, no word is scored twice, and a word is scored only when its bound reaches the
// n-th best of that moment (for the Levenshtein metrics, of the moment its lane batch of up
// to 64 words is taken: the words of a bucket share the group's length, so they are scored
// together in SIMD lanes, multi_levenshtein.hpp). Ties resolve as a brute-force scan does: by
// score, then by lower corpus index (at a bound equal to the n-th best's key, only a lower
// index can enter). On several threads each takes its share of every group's runs, and all
// prune by the n-th best of their tops together (corpus_topk.hpp: SharedTop, Bar).
//
// join.hpp reads this index too (groups_, text_, index_of, sigs_: a row form of the signatures
// built on its first use, and the bounds); keep those.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "corpus_bounds.hpp"
#include "corpus_options.hpp"
#include "corpus_scorer.hpp"
#include "corpus_signatures.hpp"
#include "corpus_slots.hpp"
#include "corpus_topk.hpp"
#include "filter.hpp"
#include "jaro.hpp"
#include "levenshtein.hpp"
#include "multi_levenshtein.hpp"
#include "pool.hpp"
#include "scratch.hpp"

// read_runs reads two runs at once in SSE2 registers where the target has them (every x86-64).
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define STRDIST_CORPUS_SSE2 1
#else
#define STRDIST_CORPUS_SSE2 0
#endif

namespace strdist {

class CorpusJoin;  // join.hpp: every pair within a fixed cutoff, over this index

class CorpusIndex {
  friend class CorpusJoin;
  friend class CorpusWords;  // corpus_words.hpp: the words read back from the index

 public:
  // `points` holds every word's code points back to back; lengths[i] is word i's length.
  CorpusIndex(const uint32_t* points, const uint32_t* lengths, size_t count) : count_(count), sigs_(this) {
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
    ScratchVector<size_t> word_start(count);
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
    // text offset of each group: slots before it times their lengths; plane offsets likewise
    {
      size_t off = 0, planes = 0, chunks = 0;
      for (auto& g : groups_) {
        g.text = off;
        off += g.count * g.length;
        g.chunks = (g.count + 63) / 64;
        g.chunk0 = chunks;
        chunks += g.chunks;
        g.planes = planes;
        planes += g.chunks * detail::kPlanes;
      }
      text_.resize(off * width_);
      planes_.assign(planes, 0);
      plane_ones_.assign(groups_.size() * detail::kSignaturePlanes, 0);
      slots_.resize(count, chunks);
    }
    std::vector<size_t> fill(size_t(maxlen) + 1, 0);
    std::vector<size_t> group_of_length(size_t(maxlen) + 1, 0);
    for (size_t gi = 0; gi < groups_.size(); ++gi) group_of_length[groups_[gi].length] = gi;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t l = lengths[i];
      const size_t gi = group_of_length[l];
      const Group& g = groups_[gi];
      const size_t k = fill[l]++;
      slots_.set(g.chunk0 + k / 64, g.first + k, k % 64, static_cast<uint32_t>(i));
      const uint32_t* src = points + word_start[i];
      const size_t at = (g.text + k * l) * width_;
      detail::Signature sig;
      switch (width_) {
        case 1: {
          uint8_t* dst = text_.data() + at;
          for (uint32_t j = 0; j < l; ++j) dst[j] = static_cast<uint8_t>(src[j]);
          sig = detail::signature_of(dst, l);
          break;
        }
        case 2: {
          uint16_t* dst = reinterpret_cast<uint16_t*>(text_.data() + at);
          for (uint32_t j = 0; j < l; ++j) dst[j] = static_cast<uint16_t>(src[j]);
          sig = detail::signature_of(dst, l);
          break;
        }
        default: {
          uint32_t* dst = reinterpret_cast<uint32_t*>(text_.data() + at);
          std::memcpy(dst, src, l * sizeof(uint32_t));
          sig = detail::signature_of(dst, l);
        }
      }
      // bit-slice: plane p of chunk k / 64, bit k % 64
      const uint64_t bit = uint64_t(1) << (k % 64);
      uint64_t* planes = planes_.data() + g.planes + k / 64;
      uint32_t* ones = plane_ones_.data() + gi * detail::kSignaturePlanes;
      for (size_t p = 0; p < detail::kSignaturePlanes; ++p) {
        if (detail::signature_bit(sig, p)) {
          planes[p * g.chunks] |= bit;
          ++ones[p];
        }
      }
      const uint32_t first = l > 0 ? detail::first_hash(src[0]) : 0;
      for (size_t b = 0; b < detail::kFirstPlanes; ++b) {
        if ((first >> b) & 1) planes[(detail::kSignaturePlanes + b) * g.chunks] |= bit;
      }
    }
  }

  CorpusIndex(const CorpusIndex&) = delete;
  CorpusIndex& operator=(const CorpusIndex&) = delete;

  size_t size() const { return count_; }
  int width() const { return width_; }
  size_t memory_bytes() const {
    return text_.capacity() + planes_.capacity() * sizeof(uint64_t) + plane_ones_.capacity() * sizeof(uint32_t) +
           slots_.bytes() + groups_.capacity() * sizeof(Group) + sigs_.bytes();
  }

  // Copies word i (by corpus index) out as code points. Slow; for tests and tools.
  std::vector<uint32_t> word(uint32_t corpus_index) const {
    for (const Group& g : groups_) {
      for (size_t k = 0; k < g.count; ++k) {
        if (index_of(g, k) == corpus_index) {
          std::vector<uint32_t> out(g.length);
          for (uint32_t j = 0; j < g.length; ++j) out[j] = at(g, k, j);
          return out;
        }
      }
    }
    return {};
  }

  // The exact top n for one query, best first (ties: lower corpus index first).
  std::vector<Match> search(const uint32_t* q, size_t ql, const SearchOptions& options,
                            SearchStats* stats = nullptr) const {
    // No more results than words: n may be anything up to SIZE_MAX, and nothing below may
    // allocate by it.
    SearchOptions opt = options;
    opt.n = std::min(opt.n, count_);
    const unsigned threads = std::max(1u, opt.threads);
    const Query query(q, ql, opt, *this);
    std::vector<detail::TopK> tops;
    std::vector<SearchStats> st(threads);
    tops.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) tops.emplace_back(opt.n);
    if (threads == 1 || count_ < 4096) {
      best_first(query, opt, 0, 1, tops[0], nullptr, st[0]);
    } else {
      detail::SharedTop shared(opt.n);
      pool_of(opt).run(threads, [&](unsigned t) { best_first(query, opt, t, threads, tops[t], &shared, st[t]); });
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
    size_t first = 0;   // first slot
    size_t count = 0;
    size_t text = 0;    // first code point (in units of width_)
    size_t chunks = 0;  // runs of 64 words
    size_t chunk0 = 0;  // chunks of the groups before it
    size_t planes = 0;  // offset of its planes in planes_: plane p of chunk i at planes + p * chunks + i
  };

  // The row form of the signatures (one 128-bit signature per slot), for the joins (join.hpp
  // filters rows). Built from the planes on first use, so a corpus that is only searched never
  // holds both forms.
  class RowSignatures {
   public:
    explicit RowSignatures(const CorpusIndex* owner) : owner_(owner) {}
    const detail::Signature* data() const {
      std::call_once(once_, [this] { build(); });
      return rows_.data();
    }
    size_t bytes() const { return built_.load(std::memory_order_acquire) ? rows_.capacity() * sizeof(detail::Signature) : 0; }

   private:
    void build() const {
      const CorpusIndex& ix = *owner_;
      rows_.assign(ix.count_, detail::Signature());
      for (const Group& g : ix.groups_) {
        for (size_t p = 0; p < detail::kSignaturePlanes; ++p) {
          const uint64_t* plane = ix.planes_.data() + g.planes + p * g.chunks;
          for (size_t i = 0; i < g.chunks; ++i) {
            for (uint64_t bits = plane[i]; bits; bits &= bits - 1) {
              detail::Signature& s = rows_[g.first + i * 64 + detail::ctz64(bits)];
              if (p < 64) s.lo |= uint64_t(1) << p;
              else s.hi |= uint64_t(1) << (p - 64);
            }
          }
        }
      }
      built_.store(true, std::memory_order_release);
    }
    const CorpusIndex* owner_;
    mutable std::once_flag once_;
    mutable std::vector<detail::Signature> rows_;
    mutable std::atomic<bool> built_{false};
  };

  // Everything derived from the query once per search, shared by its threads.
  struct Query {
    const uint32_t* q;
    size_t ql;
    detail::QuerySignature sig;
    std::vector<uint16_t> planes;  // the signature planes where the query has bits
    uint32_t qbits = 0;            // their number: common = qbits - misses (+ excess)
    uint32_t excess = 0;           // the query's counts beyond level 4, in total
    std::vector<uint16_t> excess_planes;  // level-4 planes of the buckets holding that excess
    bool prefix_aware = false;     // Jaro-Winkler: tell words by their first code point
    uint32_t first = 0;            // first_hash of the query's first code point
    std::vector<size_t> order;     // groups by their best possible key, best first
    std::vector<double> best;      // that key, per group (index into groups_)
    Query(const uint32_t* q_, size_t ql_, const SearchOptions& opt, const CorpusIndex& ix)
        : q(q_), ql(ql_), sig(q_, ql_) {
      for (uint16_t p = 0; p < detail::kSignaturePlanes; ++p) {
        if (detail::signature_bit(sig.sig, p)) planes.push_back(p);
      }
      qbits = static_cast<uint32_t>(planes.size());
      excess = sig.filter.excess_total;
      for (uint32_t b = 0; b < 32; ++b) {
        if ((sig.excess_mask >> b) & 1) excess_planes.push_back(static_cast<uint16_t>(96 + b));
      }
      prefix_aware = opt.metric == Metric::JaroWinkler && ql > 0;
      if (prefix_aware) first = detail::first_hash(q[0]);
      best.resize(ix.groups_.size());
      const double base = detail::user_floor(opt);
      for (size_t g = 0; g < ix.groups_.size(); ++g) {
        const size_t w = ix.groups_[g].length;
        best[g] = detail::key_bound(opt, ql, w, std::min(ql, w));
        if (best[g] >= base) order.push_back(g);
      }
      // best first; at equal bounds the nearer length first
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (best[a] != best[b]) return best[a] > best[b];
        const size_t da = std::max<size_t>(ix.groups_[a].length, ql) - std::min<size_t>(ix.groups_[a].length, ql);
        const size_t db = std::max<size_t>(ix.groups_[b].length, ql) - std::min<size_t>(ix.groups_[b].length, ql);
        return da < db;
      });
    }
  };

  // A run of 64 words of a taken group: how many of the query's planes it has read (in the
  // group's order), and each word's misses so far in a bit-sliced counter, counted from
  // `start` (SlicedCounter). Once every plane is read (complete) the counts are exact (up to the
  // counter's 31, a bound that only weakens), and the masks are set.
  struct Run {
    uint32_t chunk;
    uint32_t read;
    uint32_t start;
    bool complete;
    uint64_t c[5];
    uint64_t sat;    // words saturated (level 4) in a bucket where the query has excess
    uint64_t first;  // words whose first code point may equal the query's
  };

  // A group taken by one search part: its runs (its share of the group), the query's planes in
  // the order they are read, and the lowest common count bucketed so far.
  struct Taken {
    size_t group;
    size_t runs_begin, runs_end;
    std::vector<uint16_t> order;
    std::vector<uint32_t> complete;  // runs (indices into the part's runs) with every plane read
    size_t low;                      // buckets exist for common counts >= low
  };

  // Words of one taken group sharing a bound: common count c, and (Jaro-Winkler) whether the
  // first code points may match. A remainder stands for the words of the group with common
  // counts below `common`, not read that far yet.
  struct Bucket {
    double bound;
    uint32_t taken;
    uint32_t common;
    bool first;
    bool remainder;
  };
  static bool bucket_less(const Bucket& a, const Bucket& b) { return a.bound < b.bound; }

  uint32_t at(const Group& g, size_t k, uint32_t j) const {
    const size_t i = g.text + k * g.length + j;
    switch (width_) {
      case 1: return text_[i];
      case 2: return reinterpret_cast<const uint16_t*>(text_.data())[i];
      default: return reinterpret_cast<const uint32_t*>(text_.data())[i];
    }
  }

  // The corpus index of the word in slot k of group g.
  uint32_t index_of(const Group& g, size_t k) const { return slots_.get(g.chunk0 + k / 64, g.first + k, k % 64); }

  // Kept for join.hpp: the bounds live in corpus_bounds.hpp.
  static double key_bound(const SearchOptions& opt, size_t q, size_t w, size_t common) {
    return detail::key_bound(opt, q, w, common);
  }
  static size_t need_common(const SearchOptions& opt, size_t q, size_t w, double floor) {
    return detail::need_common(opt, q, w, floor);
  }
  static double user_floor(const SearchOptions& opt) { return detail::user_floor(opt); }

  // The most misses a word may have and still reach `common` common code points (the query's
  // excess counted in its favour); -1 when none can.
  static long allowed_misses(const Query& query, size_t common) {
    return static_cast<long>(query.qbits) + static_cast<long>(query.excess) - static_cast<long>(common);
  }

  // Starts taking group g with its runs [from, to) (nothing read yet).
  void take_group(const Query& query, size_t g, size_t from, size_t to, std::vector<Run>& runs,
                  std::vector<Taken>& taken, SearchStats& st) const {
    Taken t;
    t.group = g;
    t.runs_begin = runs.size();
    for (size_t i = from; i < to; ++i) runs.push_back(Run{static_cast<uint32_t>(i), 0, 0, false, {0, 0, 0, 0, 0}, 0, 0});
    const size_t count = groups_[g].count;
    st.visited += std::min(to * 64, count) - from * 64;
    t.runs_end = runs.size();
    t.complete.reserve(t.runs_end - t.runs_begin);
    // the query's planes, rarest in this group first, so runs die early
    t.order = query.planes;
    const uint32_t* ones = plane_ones_.data() + g * detail::kSignaturePlanes;
    std::sort(t.order.begin(), t.order.end(), [&](uint16_t a, uint16_t b) { return ones[a] < ones[b]; });
    t.low = std::min(query.ql, size_t(groups_[g].length)) + 1;
    taken.push_back(std::move(t));
  }

  // Reads on in the runs of `t` until each either has every plane read or has only words with
  // more than `allowed` misses. No plane of a run is read twice.
  void read_runs(const Query& query, Taken& t, long allowed, std::vector<Run>& runs, SearchStats& st) const {
    static_cast<void>(st);  // read only by the work counters
    const Group& grp = groups_[t.group];
    const uint64_t* planes = planes_.data() + grp.planes;
    const size_t chunks = grp.chunks;
    const size_t tail = grp.count % 64;
    const uint32_t np = static_cast<uint32_t>(t.order.size());
    // up to 15 allowed misses, a word dies at 16 (SlicedCounter); beyond, none dies
    const bool can_die = allowed <= 15;
    const uint32_t start = can_die ? static_cast<uint32_t>(15 - allowed) : 0;
    const bool guard = start + np > 31;  // else no count can pass 31: no need to stick there
    auto valid_of = [&](size_t i) { return (i + 1 == chunks && tail) ? (uint64_t(1) << tail) - 1 : ~uint64_t(0); };
    // the run's counter, counted from `start`
    auto counter_of = [&](const Run& run) {
      detail::SlicedCounter cnt;
      if (run.read == 0) {
        cnt.set(start);
      } else {
        std::copy(run.c, run.c + 5, cnt.c);
        // a lower floor: more misses allowed, same counts
        if (run.start != start) cnt.subtract(run.start - start);
      }
      return cnt;
    };
    auto done = [&](size_t r, const detail::SlicedCounter& cnt, uint32_t p) {
      Run& run = runs[r];
#ifdef STRDIST_SEARCH_COUNTERS
      st.planes += p - run.read;
#endif
      std::copy(cnt.c, cnt.c + 5, run.c);
      run.start = start;
      run.read = p;
      if (p < np) return;
      run.complete = true;
      for (uint16_t ep : query.excess_planes) run.sat |= planes[ep * chunks + run.chunk];
      run.first = ~uint64_t(0);
      if (query.prefix_aware) {
        for (size_t b = 0; b < detail::kFirstPlanes; ++b) {
          const uint64_t plane = planes[(detail::kSignaturePlanes + b) * chunks + run.chunk];
          run.first &= ((query.first >> b) & 1) ? plane : ~plane;
        }
      }
      t.complete.push_back(static_cast<uint32_t>(r));
    };
    for (size_t r = t.runs_begin; r < t.runs_end;) {
#if STRDIST_CORPUS_SSE2
      if (r + 2 <= t.runs_end && in_step(runs[r], runs[r + 1])) {
        // Two runs of consecutive chunks with the same planes read: in lockstep, one 128-bit
        // load per plane, until both are dead. A run dead before the other reads on with it: its
        // counts stay exact, only work is spent.
        const size_t i0 = runs[r].chunk;
        const detail::SlicedCounter a = counter_of(runs[r]), b = counter_of(runs[r + 1]);
        __m128i c[5];
        for (int k = 0; k < 5; ++k) c[k] = _mm_set_epi64x(static_cast<long long>(b.c[k]), static_cast<long long>(a.c[k]));
        const __m128i ones = _mm_set1_epi32(-1);
        const __m128i invalid = _mm_set_epi64x(static_cast<long long>(~valid_of(i0 + 1)), static_cast<long long>(~valid_of(i0)));
        auto both_dead = [&]() {
          return can_die && _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_or_si128(c[4], invalid), ones)) == 0xffff;
        };
        uint32_t p = runs[r].read;
        bool dead = both_dead();
        while (p < np && !dead) {
          __m128i m = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(planes + t.order[p] * chunks + i0)), ones);
          if (guard) {
            const __m128i sat = _mm_and_si128(_mm_and_si128(_mm_and_si128(c[0], c[1]), _mm_and_si128(c[2], c[3])), c[4]);
            m = _mm_andnot_si128(sat, m);
          }
          for (int k = 0; k < 4; ++k) {
            const __m128i carry = _mm_and_si128(c[k], m);
            c[k] = _mm_xor_si128(c[k], m);
            m = carry;
          }
          c[4] = _mm_or_si128(c[4], m);
          ++p;
          dead = both_dead();
        }
        detail::SlicedCounter out[2];
        for (int k = 0; k < 5; ++k) {
          uint64_t lanes[2];
          _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), c[k]);
          out[0].c[k] = lanes[0];
          out[1].c[k] = lanes[1];
        }
        done(r, out[0], p);
        done(r + 1, out[1], p);
        r += 2;
        continue;
      }
#endif
      const Run& run = runs[r];
      if (run.complete) {
        ++r;
        continue;
      }
      const size_t i = run.chunk;
      const uint64_t valid = valid_of(i);
      detail::SlicedCounter cnt = counter_of(run);
      uint32_t p = run.read;
      bool dead = can_die && ((cnt.dead() | ~valid) == ~uint64_t(0));
      while (p < np && !dead) {
        cnt.add(~planes[t.order[p] * chunks + i], guard);
        ++p;
        dead = can_die && ((cnt.dead() | ~valid) == ~uint64_t(0));
      }
      done(r, cnt, p);
      ++r;
    }
  }

  // Whether two runs can be read in lockstep: consecutive chunks, neither complete, the same
  // planes read.
  static bool in_step(const Run& a, const Run& b) {
    return !a.complete && !b.complete && a.read == b.read && b.chunk == a.chunk + 1;
  }

  // Reads taken group `ti` deep enough for every word whose bound reaches `target` (and at least
  // `floor`), and pushes the buckets of the common counts that became known, plus a remainder
  // when words below `target` may still reach the floor.
  void deepen(const Query& query, const SearchOptions& opt, uint32_t ti, double target, double floor,
              std::vector<Taken>& taken, std::vector<Run>& runs, std::vector<Bucket>& heap, SearchStats& st) const {
    Taken& t = taken[ti];
    const size_t w = groups_[t.group].length;
    size_t need = detail::need_common(opt, query.ql, w, std::max(target, floor));
    if (need == SIZE_MAX || need >= t.low) return;
    const long allowed = allowed_misses(query, need);
    if (allowed < 0) return;
    read_runs(query, t, allowed, runs, st);
    for (size_t c = t.low; c-- > need;) {
      for (int f = query.prefix_aware ? 0 : 1; f <= 1; ++f) {
        const double b = detail::key_bound(opt, query.ql, w, c, f ? 4 : 0);
        if (b < floor) continue;
        heap.push_back(Bucket{b, ti, static_cast<uint32_t>(c), f == 1, false});
        std::push_heap(heap.begin(), heap.end(), bucket_less);
      }
    }
    t.low = need;
    if (need > 0) {
      const double b = detail::key_bound(opt, query.ql, w, need - 1);
      if (b >= floor) {
        heap.push_back(Bucket{b, ti, static_cast<uint32_t>(need - 1), true, true});
        std::push_heap(heap.begin(), heap.end(), bucket_less);
      }
    }
  }

  // The words of a complete run in bucket (common, first). A word's common bound is
  // min(top, have - misses), floored at 0, where have = qbits, plus the query's excess where
  // the word is saturated; so a bucket holds the words whose count lies in one small range.
  static uint64_t bucket_mask(const Query& query, const Run& a, uint64_t valid, size_t top, uint32_t common,
                              bool first) {
    auto in_range = [&](size_t have) -> uint64_t {
      size_t lo, hi;  // misses giving this common bound
      if (common == top && common == 0) lo = 0, hi = SIZE_MAX;
      else if (common == 0) lo = have, hi = SIZE_MAX;
      else if (common == top) {
        if (have < top) return 0;
        lo = 0, hi = have - top;
      } else {
        if (have < common) return 0;
        lo = hi = have - common;
      }
      uint64_t m = 0;
      const size_t most = 31 - a.start;  // 31 stands for "this many or more"
      for (size_t x = lo; x <= std::min(hi, most); ++x) m |= detail::SlicedCounter::equals(a.c, static_cast<uint32_t>(a.start + x));
      return m;
    };
    uint64_t m = in_range(query.qbits) & ~a.sat;
    if (a.sat) m |= in_range(size_t(query.qbits) + query.excess) & a.sat;
    m &= valid;
    return first ? m & a.first : m & ~a.first;
  }

  // The words of a bucket worth scoring, in index order: take(k, index) for each (k, its slot in
  // the group). Stops once the bucket's bound falls below the floor (which take may raise). At a
  // bound no better than the n-th best's key a word can only tie it, and then enters only with a
  // lower index (Levenshtein's whole-number bounds meet this often): those are skipped.
  //
  // A candidate's index and text are two cache misses in a large corpus (the words of a bucket
  // lie scattered over the group), which cost more than scoring it when taken one at a time:
  // the masks of a few runs are computed first and the lines of their candidates prefetched,
  // so those misses overlap, and then the candidates are taken.
  template <typename Take>
  void for_each_candidate(const Query& query, const Bucket& bucket, const Taken& t, const std::vector<Run>& runs,
                          const detail::Bar& bar, Take&& take) const {
    const Group& grp = groups_[t.group];
    const size_t topc = std::min(query.ql, size_t(grp.length));
    const size_t tail = grp.count % 64;
    const uint8_t* text = text_.data() + grp.text * width_;
    const size_t bytes = size_t(grp.length) * width_;  // a word's text
    constexpr size_t kRuns = 8, kLines = 32;            // the most runs, and candidates, ahead
    uint64_t masks[kRuns];
    const size_t complete = t.complete.size();
    for (size_t from = 0; from < complete;) {
      size_t to = from, ahead = 0;
      for (; to < complete && to - from < kRuns && ahead < kLines; ++to) {
        const Run& a = runs[t.complete[to]];
        const uint64_t valid = (a.chunk + 1 == grp.chunks && tail) ? (uint64_t(1) << tail) - 1 : ~uint64_t(0);
        const uint64_t m = masks[to - from] = bucket_mask(query, a, valid, topc, bucket.common, bucket.first);
        for (uint64_t b = m; b; b &= b - 1) {
          const size_t k = size_t(a.chunk) * 64 + detail::ctz64(b);
          detail::prefetch(slots_.where(grp.first + k));
          detail::prefetch(text + k * bytes);
          if (bytes) detail::prefetch(text + k * bytes + bytes - 1);
          ++ahead;
        }
      }
      for (size_t j = from; j < to; ++j) {
        const size_t chunk = runs[t.complete[j]].chunk;
        for (uint64_t m = masks[j - from]; m; m &= m - 1) {
          if (bucket.bound < bar.floor) return;
          const size_t k = chunk * 64 + detail::ctz64(m);
          const uint32_t index = index_of(grp, k);
          if (bar.beaten(bucket.bound, index)) continue;
          take(k, index);
        }
      }
      from = to;
    }
  }

  template <typename CharT>
  void score_bucket(const Query& query, const Bucket& bucket, const Taken& t, const std::vector<Run>& runs,
                    const detail::QueryScorer& scorer, detail::Bar& bar, std::vector<uint32_t>& buf,
                    SearchStats& st) const {
    const Group& grp = groups_[t.group];
    const size_t w = grp.length;
    const CharT* text = reinterpret_cast<const CharT*>(text_.data()) + grp.text;
    for_each_candidate(query, bucket, t, runs, bar, [&](size_t k, uint32_t index) {
      const CharT* s = text + k * w;
      for (size_t j = 0; j < w; ++j) buf[j] = s[j];
      ++st.scored;
      bar.offer({scorer.key(buf.data(), w, bar.floor), index});
    });
  }

  // score_bucket for the Levenshtein metrics: the words of a bucket all have the group's length,
  // so they fill the SIMD lanes of one class (multi_levenshtein.hpp, the query as the text),
  // packed straight from the index's text, and are scored a batch at a time, up to 512 / lane
  // width words, where the one-by-one kernel costs several times more per word. The floor is
  // checked as each word is taken: a batch may score a few words that the floor risen within
  // it would have skipped (work, not results).
  template <typename CharT>
  void score_bucket_lanes(const Query& query, const Bucket& bucket, const Taken& t, const std::vector<Run>& runs,
                          const detail::QueryScorer& scorer, detail::Bar& bar, SearchStats& st) const {
    static thread_local detail::BatchBuilder thread_builder;
    detail::BatchBuilder& builder = thread_builder;  // one look-up of the thread's, not one per use
    const Group& grp = groups_[t.group];
    const size_t w = grp.length;
    const CharT* text = reinterpret_cast<const CharT*>(text_.data()) + grp.text;
    const int cls = detail::lane_class(w);
    const unsigned W = detail::kLaneBits[cls];
    const size_t per = 512 / W;
    uint8_t lane_len[64];
    std::fill(lane_len, lane_len + per, static_cast<uint8_t>(w));
    detail::LaneBatch batch;
    PackedChoicesView view{{nullptr, nullptr, nullptr, nullptr}, lane_len};
    view.batches[cls] = &batch;
    const CachedLevenshtein& lev = scorer.levenshtein();
    const SimdPath path = simd_path();
    size_t slot[64];  // the pending words' slots in the group
    uint32_t index[64], dist[64];
    size_t pending = 0;
    const detail::QueryAlphabet& qa = scorer.alphabet();
    const bool for_query = qa.points.size() <= detail::BatchBuilder::kMaxAlphabet;
    auto flush = [&]() {
      const auto lane = [&](uint32_t l) { return std::make_pair(text + slot[l] * w, w); };
      if (for_query) builder.build_for(batch, W, static_cast<uint32_t>(pending), lane, qa, path);
      else builder.build(batch, W, static_cast<uint32_t>(pending), 0, lane);
      detail::run_lanes(path, view, cls, 0, 1, lev.data(), lev.size(), dist);
      st.scored += pending;
      for (size_t i = 0; i < pending; ++i) bar.offer({scorer.levenshtein_key(dist[i], w), index[i]});
      pending = 0;
    };
    for_each_candidate(query, bucket, t, runs, bar, [&](size_t k, uint32_t at) {
      slot[pending] = k;
      index[pending++] = at;
      if (pending == per) flush();
    });
    if (pending) flush();
  }

  // Search part `part` of `parts`: its share of the runs of every group, best-first. A group is
  // read only as deep as the best competing bound (the next group's best, the best pending
  // bucket) requires; its remainder bucket reads on from where it stopped when its turn comes.
  void best_first(const Query& query, const SearchOptions& opt, unsigned part, unsigned parts, detail::TopK& top,
                  detail::SharedTop* shared, SearchStats& st) const {
    if (opt.n == 0 || query.order.empty()) return;
    const detail::QueryScorer scorer(query.q, query.ql, opt);
    std::vector<uint32_t> buf(max_length_ + 1);
    std::vector<Run> runs;
    std::vector<Taken> taken;
    std::vector<Bucket> heap;  // a max-heap by bound
    runs.reserve(count_ / 64 / parts + 2 * groups_.size() + 1);  // no reallocation as groups are taken
    taken.reserve(query.order.size());
    detail::Bar bar(top, shared, detail::user_floor(opt));
    const bool lanes = opt.metric == Metric::Levenshtein || opt.metric == Metric::LevenshteinSimilarity;
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    size_t next = 0;  // the next group of query.order to take
    auto next_bound = [&]() { return next < query.order.size() ? query.best[query.order[next]] : kNone; };
    for (;;) {
      if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) return;
      bar.refresh();
      const double& floor = bar.floor;
      if (!heap.empty() && heap.front().bound < floor) heap.clear();  // every pending bound is below
      if (!heap.empty() && heap.front().bound >= next_bound()) {
        std::pop_heap(heap.begin(), heap.end(), bucket_less);
        const Bucket b = heap.back();
        heap.pop_back();
#ifdef STRDIST_SEARCH_COUNTERS
        ++st.buckets;
#endif
        if (b.remainder) {
          const double target = std::max(next_bound(), heap.empty() ? kNone : heap.front().bound);
          deepen(query, opt, b.taken, target, floor, taken, runs, heap, st);
          continue;
        }
        const Taken& t = taken[b.taken];
        if (lanes && detail::lane_class(groups_[t.group].length) >= 0) {
          switch (width_) {
            case 1: score_bucket_lanes<uint8_t>(query, b, t, runs, scorer, bar, st); break;
            case 2: score_bucket_lanes<uint16_t>(query, b, t, runs, scorer, bar, st); break;
            default: score_bucket_lanes<uint32_t>(query, b, t, runs, scorer, bar, st);
          }
          continue;
        }
        switch (width_) {
          case 1: score_bucket<uint8_t>(query, b, t, runs, scorer, bar, buf, st); break;
          case 2: score_bucket<uint16_t>(query, b, t, runs, scorer, bar, buf, st); break;
          default: score_bucket<uint32_t>(query, b, t, runs, scorer, bar, buf, st);
        }
        continue;
      }
      if (next >= query.order.size() || next_bound() < floor) return;
      const size_t g = query.order[next++];
      const size_t chunks = groups_[g].chunks;
      const size_t from = chunks * part / parts, to = chunks * (part + 1) / parts;
      if (from >= to) continue;
      take_group(query, g, from, to, runs, taken, st);
      const double target = std::max(next_bound(), heap.empty() ? kNone : heap.front().bound);
      deepen(query, opt, static_cast<uint32_t>(taken.size() - 1), target, floor, taken, runs, heap, st);
    }
  }

  size_t count_ = 0;
  int width_ = 1;
  uint32_t max_length_ = 0;
  std::vector<uint8_t> text_;
  std::vector<Group> groups_;
  std::vector<uint64_t> planes_;      // every group's bit-sliced signatures (Group::planes)
  std::vector<uint32_t> plane_ones_;  // per group, how many words have each signature bit
  RowSignatures sigs_;
  detail::SlotIndex slots_;  // slot -> corpus index (index_of)
};

}  // namespace strdist
