// strdist — many short strings packed side by side, scored against one query in SIMD lanes.
//
//   PackedChoices             the choices, packed once: their code points (for the scalar
//                             kernels) and, for those of 1..64 code points, match vectors in
//                             8/16/32/64-bit lanes of 512-bit batches
//   levenshtein_hyrroe2003_simd  Hyyrö 2003 with one choice per lane (multi_levenshtein_simd.hpp,
//                             compiled once per ISA: multi_levenshtein_avx2.cc / _avx512.cc)
//
// Orientation. Each lane holds one choice as the *pattern* (one bit per code point, the lane
// as wide as the choice class: 8, 16, 32 or 64 bits) and the query is the *text*, read one code
// point per step, shared by every lane. The match vector of a query code point is then one
// 64-byte load per batch (no gather), and the lane width depends only on the choices, so the
// packing is done once per choice set whatever the queries (RapidFuzz's MultiLevenshtein packs
// the same way; there the packed side is its "queries").
//
// Distance without a per-step counter. The bottom row of the DP after the last column is
// D[len][n] = D[0][n] + sum of the vertical deltas of rows 1..len = n + popcount(VP & low(len))
// - popcount(VN & low(len)). Rows above a lane's length hold garbage that never reaches the
// rows below (carries and shifts only move towards higher rows), so lanes of one batch may
// have any lengths within their class.
//
// Every path gives exactly the scalar kernel's result (CachedLevenshtein: exact distance, or
// max + 1 above max), which is also what the scalar path computes; the native test and the
// parity suite run each path against it and against a naive reference.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "intrinsics.hpp"
#include "jaro.hpp"
#include "levenshtein.hpp"

namespace strdist {

// ---- ISA selection -------------------------------------------------------------------------

enum class SimdPath : int { Scalar = 0, Avx2 = 1, Avx512 = 2 };

inline const char* simd_path_name(SimdPath p) {
  return p == SimdPath::Avx512 ? "avx512" : p == SimdPath::Avx2 ? "avx2" : "scalar";
}

// Whether this build has the kernels of path p and this CPU can run them.
inline bool simd_path_supported(SimdPath p) {
#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
  const CpuFeatures& f = cpu_features();
  if (p == SimdPath::Avx2) return f.avx2 && f.popcnt;
  if (p == SimdPath::Avx512) return f.avx512f && f.avx512bw && f.popcnt;
#endif
  return p == SimdPath::Scalar;
}

namespace detail {

inline SimdPath best_simd_path() {
  if (simd_path_supported(SimdPath::Avx512)) return SimdPath::Avx512;
  if (simd_path_supported(SimdPath::Avx2)) return SimdPath::Avx2;
  return SimdPath::Scalar;
}

// The process-wide path: STRDIST_SIMD=scalar|avx2|avx512 at first use (a path the CPU lacks
// falls back to the best one it has), else the best; set_simd_path() changes it (tests).
inline std::atomic<int>& simd_path_slot() {
  static std::atomic<int> slot([] {
    const char* env = std::getenv("STRDIST_SIMD");
    SimdPath want = best_simd_path();
    if (env && std::strcmp(env, "scalar") == 0) want = SimdPath::Scalar;
    else if (env && std::strcmp(env, "avx2") == 0 && simd_path_supported(SimdPath::Avx2)) want = SimdPath::Avx2;
    else if (env && std::strcmp(env, "avx512") == 0 && simd_path_supported(SimdPath::Avx512)) want = SimdPath::Avx512;
    return static_cast<int>(want);
  }());
  return slot;
}

}  // namespace detail

inline SimdPath simd_path() { return static_cast<SimdPath>(detail::simd_path_slot().load(std::memory_order_relaxed)); }

// Forces a path; false (and no change) when this build or CPU cannot run it.
inline bool set_simd_path(SimdPath p) {
  if (!simd_path_supported(p)) return false;
  detail::simd_path_slot().store(static_cast<int>(p), std::memory_order_relaxed);
  return true;
}

// ---- packed choices --------------------------------------------------------------------------

namespace detail {

// One 512-bit vector of lanes (64 x 8, 32 x 16, 16 x 32 or 8 x 64 bits), little-endian: bit k
// of lane l is bit l * W + k of the whole.
struct alignas(64) LaneVector {
  uint8_t bytes[64];
};

// Lane widths by class: choices of 1..8 code points go to class 0, 9..16 to 1, 17..32 to 2,
// 33..64 to 3.
constexpr unsigned kLaneBits[4] = {8, 16, 32, 64};

inline int lane_class(size_t len) {
  if (len == 0 || len > 64) return -1;
  return len <= 8 ? 0 : len <= 16 ? 1 : len <= 32 ? 2 : 3;
}

// A batch of up to 512 / W choices of one class. The match vector of code point c is
// vectors[ascii[c]] for c < 256, else the one of c in large[0, large_count) (sorted by code
// point); vectors[0] is the all-zero vector (c absent).
struct LargeEntry {
  uint32_t code_point;
  uint32_t vector;
};

struct LaneBatch {
  const LaneVector* vectors;
  const LargeEntry* large;
  uint32_t large_count;
  uint32_t lanes;    // lanes in use
  uint32_t lane_at;  // the batch's first lane in the lane arrays (lane_len, lane_index)
  uint32_t len_mask;  // vectors[len_mask]: low(length) in every used lane (the rows a lane counts)
  uint16_t ascii[256];
};

}  // namespace detail

// The read-only arrays a lane kernel reads (plain data, so the ISA translation units need no
// more than this header).
struct PackedChoicesView {
  const detail::LaneBatch* batches[4];
  const uint8_t* lane_len;
};

// What a kernel of one ISA computes: for batches [b0, b1) of class cls, the raw distance of
// every used lane to the text t (n code points), into dist[lane_at + lane - base], base being
// the lane_at of batch b0.
namespace detail {
// Defined in multi_levenshtein_avx2.cc / multi_levenshtein_avx512.cc.
void lanes_levenshtein_avx2(const PackedChoicesView& view, int cls, size_t b0, size_t b1, const uint32_t* t,
                            size_t n, uint32_t* dist);
void lanes_levenshtein_avx512(const PackedChoicesView& view, int cls, size_t b0, size_t b1, const uint32_t* t,
                              size_t n, uint32_t* dist);

// The match vector of c in batch b (the zero vector when c is absent).
inline const LaneVector& batch_vector(const LaneBatch& b, uint32_t c) {
  if (c < 256) return b.vectors[b.ascii[c]];
  uint32_t lo = 0, hi = b.large_count;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (b.large[mid].code_point < c) lo = mid + 1;
    else hi = mid;
  }
  return b.vectors[lo < b.large_count && b.large[lo].code_point == c ? b.large[lo].vector : 0];
}

// Lane l of a 512-bit value stored as 8 little-endian words, W bits wide.
inline uint64_t lane_value(const uint64_t* words, unsigned W, size_t l) {
  const size_t bit = l * W;
  const uint64_t w = words[bit / 64] >> (bit % 64);
  return W == 64 ? w : w & ((uint64_t(1) << W) - 1);
}

// dist = n + popcount(VP & low(len)) - popcount(VN & low(len)) for every used lane.
inline void lanes_finish(const LaneBatch& b, unsigned W, const uint64_t* vp, const uint64_t* vn, const uint8_t* lane_len,
                         size_t n, uint32_t* dist, size_t base) {
  dist += b.lane_at - base;
  for (uint32_t l = 0; l < b.lanes; ++l) {
    const unsigned len = lane_len[b.lane_at + l];
    const uint64_t mask = len == 64 ? ~uint64_t(0) : (uint64_t(1) << len) - 1;
    const uint64_t p = lane_value(vp, W, l) & mask, m = lane_value(vn, W, l) & mask;
    dist[l] = static_cast<uint32_t>(n + popcount64(p) - popcount64(m));
  }
}

// The same recurrence on each 64-bit word of a batch, lane by lane (no SIMD), the reference of
// the ISA kernels for the lane layout: the carry of the addition stays inside each lane by
// adding the lanes' low W - 1 bits and fixing their top bits with xor (SWAR addition).
inline void lanes_levenshtein_portable(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t,
                                       size_t n, uint32_t* dist) {
  const unsigned W = kLaneBits[cls];
  uint64_t top = 0, one = 0;  // the top bit and bit 0 of every lane
  for (unsigned b = 0; b < 64; b += W) {
    one |= uint64_t(1) << b;
    top |= uint64_t(1) << (b + W - 1);
  }
  const uint64_t low = ~top;
  auto add = [&](uint64_t a, uint64_t c) { return ((a & low) + (c & low)) ^ ((a ^ c) & top); };
  const size_t base = v.batches[cls][b0].lane_at;
  for (size_t bi = b0; bi < b1; ++bi) {
    const LaneBatch& b = v.batches[cls][bi];
    uint64_t VP[8], VN[8];
    for (int w = 0; w < 8; ++w) VP[w] = ~uint64_t(0), VN[w] = 0;
    for (size_t j = 0; j < n; ++j) {
      uint64_t X[8];
      std::memcpy(X, batch_vector(b, t[j]).bytes, 64);
      for (int w = 0; w < 8; ++w) {
        const uint64_t x = X[w], vp = VP[w], vn = VN[w];
        const uint64_t D0 = (add(x & vp, vp) ^ vp) | x | vn;
        uint64_t HP = vn | ~(D0 | vp);
        const uint64_t HN = add(D0 & vp, D0 & vp);
        HP = add(HP, HP) | one;
        VP[w] = HN | ~(D0 | HP);
        VN[w] = HP & D0;
      }
    }
    lanes_finish(b, W, VP, VN, v.lane_len, n, dist, base);
  }
}

// Runs the lane kernel of path p (Avx2, Avx512; anything else: the portable loop).
inline void run_lanes(SimdPath p, const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t,
                      size_t n, uint32_t* dist) {
#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
  if (p == SimdPath::Avx512) return lanes_levenshtein_avx512(v, cls, b0, b1, t, n, dist);
  if (p == SimdPath::Avx2) return lanes_levenshtein_avx2(v, cls, b0, b1, t, n, dist);
#endif
  lanes_levenshtein_portable(v, cls, b0, b1, t, n, dist);
}

// The match vectors of the code points points[0..m) over 512 cells, into out[0..m): bit i of
// out[j] is set when cells[i] == points[j]. Defined per ISA (multi_levenshtein_avx2.cc /
// _avx512.cc: one compare of 8 or 16 cells at a time); the portable loop is their reference.
void lane_match_vectors_avx2(const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out);
void lane_match_vectors_avx512(const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out);

inline void lane_match_vectors_portable(const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out) {
  for (size_t j = 0; j < m; ++j) {
    std::memset(out[j].bytes, 0, 64);
    for (unsigned i = 0; i < 512; ++i)
      out[j].bytes[i / 8] |= static_cast<uint8_t>((cells[i] == points[j] ? 1u : 0u) << (i % 8));
  }
}

inline void lane_match_vectors(SimdPath p, const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out) {
#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
  if (p == SimdPath::Avx512) return lane_match_vectors_avx512(cells, points, m, out);
  if (p == SimdPath::Avx2) return lane_match_vectors_avx2(cells, points, m, out);
#endif
  lane_match_vectors_portable(cells, points, m, out);
}

// The distinct code points of one query, for batches built for it alone (BatchBuilder::
// build_for): the lane kernels look up the match vectors of the query's code points only, so a
// one-shot call needs no others. points[j] has vector j + 1 (0 is the zero vector).
struct QueryAlphabet {
  std::vector<uint32_t> points;  // sorted
  uint16_t ascii[256] = {};      // c < 256: its vector, 0 when the query lacks c
  std::vector<LargeEntry> large;  // c >= 256, sorted by code point
  QueryAlphabet(const uint32_t* q, size_t n) : points(q, q + n) {
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    for (size_t j = 0; j < points.size(); ++j) {
      const uint32_t v = static_cast<uint32_t>(j + 1);
      if (points[j] < 256) ascii[points[j]] = static_cast<uint16_t>(v);
      else large.push_back({points[j], v});
    }
  }
};

// Packs one batch at a time into its own storage (reused from batch to batch).
class BatchBuilder {
 public:
  BatchBuilder() : vectors_(514) {}  // at most 512 code points per batch, the zero vector, the row masks

  // Lanes 0 .. lanes-1 of class width W hold the choices get(l) -> {code points, length} (the
  // code points of any unsigned width, read as they are stored); b.vectors and b.large point
  // into this builder until the next build.
  template <class Get>
  void build(LaneBatch& b, unsigned W, uint32_t lanes, uint32_t lane_at, Get get) {
    // The loop works on locals only: a byte stored through vectors_ could alias any member (and
    // this builder is often thread_local, whose address the compiler would look up again for
    // each reload), so nothing is read back through `this` or `b` until the end.
    uint16_t* const ascii = b.ascii;
    LaneVector* const vectors = vectors_.data();
    std::memset(ascii, 0, sizeof b.ascii);
    b.lanes = lanes;
    b.lane_at = lane_at;
    large_.clear();
    uint32_t count = 1;
    std::memset(vectors[0].bytes, 0, 64);
    const auto fresh = [&] {
      std::memset(vectors[count].bytes, 0, 64);
      return count++;
    };
    for (uint32_t l = 0; l < lanes; ++l) {
      const auto choice = get(l);
      const auto* s = choice.first;
      uint8_t* const lane = vectors[0].bytes + size_t(l) * W / 8;  // the lane's first byte in vector 0
      for (size_t k = 0; k < choice.second; ++k) {
        const uint32_t cp = s[k];
        uint32_t rel;
        if (cp < 256) {
          rel = ascii[cp];
          if (rel == 0) rel = ascii[cp] = static_cast<uint16_t>(fresh());
        } else {
          rel = 0;
          for (const LargeEntry& e : large_)
            if (e.code_point == cp) rel = e.vector;
          if (rel == 0) {
            rel = fresh();
            large_.push_back({cp, rel});
          }
        }
        lane[size_t(rel) * sizeof(LaneVector) + k / 8] |= static_cast<uint8_t>(1u << (k % 8));
      }
    }
    // The lanes' row masks, one more vector of the batch (copied with the others).
    b.len_mask = fresh();
    for (uint32_t l = 0; l < lanes; ++l) set_row_mask(vectors[b.len_mask].bytes, W, l, get(l).second);
    count_ = count;
    std::sort(large_.begin(), large_.end(),
              [](const LargeEntry& x, const LargeEntry& y) { return x.code_point < y.code_point; });
    b.vectors = vectors;
    b.large = large_.data();
    b.large_count = static_cast<uint32_t>(large_.size());
  }

  // The batch for one query alone (alphabet qa), as build() would make it for the query's code
  // points and without the others' vectors: the lanes' code points are laid out at their bits
  // (cell l * W + k, the rest a pad no code point equals), and each of the query's vectors is
  // one pass of compares over the cells. The query must have at most kMaxAlphabet distinct code
  // points (else build()); b.large points into qa.
  static constexpr size_t kMaxAlphabet = 512;
  template <class Get>
  void build_for(LaneBatch& b, unsigned W, uint32_t lanes, Get get, const QueryAlphabet& qa, SimdPath p) {
    uint32_t* const cells = cells_;
    std::fill(cells, cells + 512, kPad);
    for (uint32_t l = 0; l < lanes; ++l) {
      const auto choice = get(l);
      uint32_t* const c = cells + size_t(l) * W;
      for (size_t k = 0; k < choice.second; ++k) c[k] = choice.first[k];
    }
    const size_t m = qa.points.size();
    LaneVector* const vectors = vectors_.data();
    std::memset(vectors[0].bytes, 0, 64);
    lane_match_vectors(p, cells, qa.points.data(), m, vectors + 1);
    count_ = m + 1;
    const uint32_t mask = static_cast<uint32_t>(count_++);
    std::memset(vectors[mask].bytes, 0, 64);
    for (uint32_t l = 0; l < lanes; ++l) set_row_mask(vectors[mask].bytes, W, l, get(l).second);
    std::memcpy(b.ascii, qa.ascii, sizeof b.ascii);
    b.vectors = vectors;
    b.large = qa.large.data();
    b.large_count = static_cast<uint32_t>(qa.large.size());
    b.lanes = lanes;
    b.lane_at = 0;
    b.len_mask = mask;
  }

  size_t count() const { return count_; }

 private:
  static constexpr uint32_t kPad = 0xFFFFFFFFu;  // above every code point
  // Bits 0 .. len-1 of lane l (W bits wide, starting on a byte): its whole bytes, then the rest.
  static void set_row_mask(uint8_t* mask, unsigned W, uint32_t l, size_t len) {
    uint8_t* lane = mask + size_t(l) * W / 8;
    std::memset(lane, 0xff, len / 8);
    if (len % 8) lane[len / 8] = static_cast<uint8_t>((1u << (len % 8)) - 1);
  }

  std::vector<LaneVector> vectors_;
  std::vector<LargeEntry> large_;
  size_t count_ = 1;
  alignas(64) uint32_t cells_[512];
};

// Out of the raw distance d of a choice of la code points to a query of n: the distance
// (d, or max + 1 above max) or the similarity 1 - d / max(la, n), as the scalar kernels give.
inline double levenshtein_result(size_t d, size_t la, size_t n, size_t max, bool similarity) {
  if (!similarity) return static_cast<double>(d <= max ? d : max + 1);
  return la == 0 && n == 0 ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(std::max(la, n));
}


// The choices of each lane class, in order (a one-shot call's): class c's are idx(c)[0, size(c)).
// Sorted without a branch on the length (lengths of one word list fall on both sides of 8 and 16
// at random, and each wrong guess of a branch cost more than the rest of the sort), into memory
// kept from call to call.
class LaneClasses {
 public:
  // other(i) for each choice no lane takes (empty, over 64 code points), after the sort.
  template <class Get, class Other>
  void sort(size_t count, Get& get, Other&& other) {
    if (cap_ < count + 1) {  // + 1: a choice no lane takes is written past its class's end
      buf_.reset(new uint32_t[4 * (count + 1)]);
      cap_ = count + 1;
    }
    uint32_t* at[4];
    for (int c = 0; c < 4; ++c) at[c] = begin_[c] = buf_.get() + c * cap_;
    size_t others = 0;
    for (size_t i = 0; i < count; ++i) {
      const size_t len = get(i).second;
      const bool lane = len - 1 < 64;  // 1 .. 64 (lane_class)
      const unsigned c = (len > 8) + (len > 16) + (len > 32);
      *at[c] = static_cast<uint32_t>(i);
      at[c] += lane;
      others += !lane;
    }
    for (int c = 0; c < 4; ++c) size_[c] = static_cast<size_t>(at[c] - begin_[c]);
    if (others)
      for (size_t i = 0; i < count; ++i)
        if (get(i).second - 1 >= 64) other(i);
  }
  const uint32_t* idx(int c) const { return begin_[c]; }
  size_t size(int c) const { return size_[c]; }
  // Gives the memory back when one call made it large.
  void trim() {
    if (cap_ > (size_t(1) << 20)) {
      buf_.reset();
      cap_ = 0;
    }
  }

 private:
  std::unique_ptr<uint32_t[]> buf_;
  size_t cap_ = 0;
  uint32_t* begin_[4] = {};
  size_t size_[4] = {};
};

// The one-shot batch walk (levenshtein_lanes_once, jaro_lanes_once): the choices of each lane
// class, in sets of one batch's lanes, packed as they come for the query of alphabet qa
// (lane_len[l] set to each one's length), then score(view, cls, batch, W, lanes, idx) with
// idx[l] the choice in lane l.
template <class Get, class Score>
void for_each_lane_batch(BatchBuilder& builder, const LaneClasses& members, uint8_t* lane_len,
                         const QueryAlphabet& qa, SimdPath p, Get& get, Score&& score) {
  const bool for_query = qa.points.size() <= BatchBuilder::kMaxAlphabet;
  LaneBatch batch;
  for (int c = 0; c < 4; ++c) {
    const unsigned W = kLaneBits[c];
    const size_t per = 512 / W;
    const uint32_t* const m = members.idx(c);
    const size_t size = members.size(c);
    PackedChoicesView v{{nullptr, nullptr, nullptr, nullptr}, lane_len};
    v.batches[c] = &batch;
    for (size_t at = 0; at < size; at += per) {
      const uint32_t lanes = static_cast<uint32_t>(std::min(per, size - at));
      for (uint32_t l = 0; l < lanes; ++l) lane_len[l] = static_cast<uint8_t>(get(m[at + l]).second);
      const auto lane = [&](uint32_t l) { return get(m[at + l]); };
      if (for_query) builder.build_for(batch, W, lanes, lane, qa, p);
      else builder.build(batch, W, lanes, 0, lane);
      score(v, c, batch, W, lanes, m + at);
    }
  }
}

}  // namespace detail

// Levenshtein (similarity == false: the distance, max + 1 above max; true: the similarity) of
// the query of `scorer` against `count` choices get(i) -> {code points, length}, into out[i],
// packed into lanes one batch at a time as they come (the batch stays in cache: nothing is
// kept, for one-shot calls). Choices no lane takes (empty, over 64 code points) go to the
// scalar kernel.
template <class Get>
void levenshtein_lanes_once(const CachedLevenshtein& scorer, SimdPath p, size_t max, bool similarity, size_t count,
                            Get get, double* out) {
  struct Scratch {
    detail::BatchBuilder builder;
    detail::LaneClasses members;
    uint8_t lane_len[64];
    uint32_t dist[64];
  };
  static thread_local Scratch scratch;
  Scratch& sc = scratch;
  const uint32_t* q = scorer.data();
  const size_t n = scorer.size();
  sc.members.sort(count, get, [&](size_t i) {
    const auto choice = get(i);
    out[i] = similarity ? scorer.similarity(choice.first, choice.second)
                        : static_cast<double>(scorer.distance(choice.first, choice.second, max));
  });
  const detail::QueryAlphabet qa(q, n);
  detail::for_each_lane_batch(sc.builder, sc.members, sc.lane_len, qa, p, get,
                              [&](const PackedChoicesView& v, int c, const detail::LaneBatch&, unsigned, uint32_t lanes,
                                  const uint32_t* idx) {
                                detail::run_lanes(p, v, c, 0, 1, q, n, sc.dist);
                                for (uint32_t l = 0; l < lanes; ++l)
                                  out[idx[l]] = detail::levenshtein_result(sc.dist[l], sc.lane_len[l], n, max, similarity);
                              });
  sc.members.trim();
}

// Choices packed once, scored against any number of queries. Immutable after construction:
// const member functions may run on several threads at once.
class PackedChoices {
 public:
  // points: every choice's code points back to back; lengths[i]: code points of choice i;
  // units[i]: its UTF-16 length (kept for the size limit of the callers).
  PackedChoices(const uint32_t* points, const uint32_t* lengths, const uint32_t* units, size_t count)
      : offsets_(count + 1), units_(units, units + count) {
    points_.assign(points, points + index(lengths));
    pack();
  }
  // The same, taking the code points over (no copy: each copy of a large array is fresh memory,
  // and on the VMs measured here its page faults cost more than the copy).
  PackedChoices(std::vector<uint32_t>&& points, const uint32_t* lengths, const uint32_t* units, size_t count)
      : points_(std::move(points)), offsets_(count + 1), units_(units, units + count) {
    points_.resize(index(lengths));
    pack();
  }

  // Packs other choices into this object's memory, as the constructor taking points over would:
  // the memory of the last packing is reused (its pages are already faulted in).
  void repack(std::vector<uint32_t>&& points, const uint32_t* lengths, const uint32_t* units, size_t count) {
    points_ = std::move(points);
    offsets_.resize(count + 1);
    units_.assign(units, units + count);
    max_units_ = 0;
    points_.resize(index(lengths));
    for (auto& b : batches_) b.clear();
    large_.clear();
    large_count_ = 0;
    lane_index_.clear();
    lane_len_.clear();
    others_.clear();
    pack();
  }
  // The code points' memory, for the decoding of the next repack (this object is repacked next).
  std::vector<uint32_t> take_points() { return std::move(points_); }

  size_t size() const { return units_.size(); }
  const uint32_t* data(size_t i) const { return points_.data() + offsets_[i]; }
  size_t length(size_t i) const { return offsets_[i + 1] - offsets_[i]; }
  uint32_t units(size_t i) const { return units_[i]; }
  uint32_t max_units() const { return max_units_; }
  size_t memory_bytes() const {
    size_t b = points_.size() * 4 + offsets_.size() * sizeof(size_t) + units_.size() * 4 +
               chunks_.size() * kChunk * sizeof(detail::LaneVector) + large_count_ * sizeof(detail::LargeEntry) +
               lane_index_.size() * 4 + lane_len_.size() + others_.size() * 4;
    for (const auto& v : batches_) b += v.size() * sizeof(detail::LaneBatch);
    return b + sizeof(*this);
  }

  // A slice of the work of one query, for threads: batches [begin, end) of class kind (0..3),
  // or (kind 4) the choices others_[begin, end) that no lane holds (empty, or over 64 code
  // points), or (kind 5) choices [begin, end) in index order (the scalar path).
  struct Unit {
    int kind;
    size_t begin, end;
  };

  // The slices of one query's work on path p, each about `lanes` choices.
  std::vector<Unit> units(SimdPath p, size_t lanes = 2048) const {
    std::vector<Unit> u;
    if (p == SimdPath::Scalar) {
      for (size_t i = 0; i < size(); i += lanes) u.push_back({5, i, std::min(size(), i + lanes)});
      return u;
    }
    for (int c = 0; c < 4; ++c) {
      const size_t per = std::max<size_t>(1, lanes / (512 / detail::kLaneBits[c]));
      for (size_t b = 0; b < batches_[c].size(); b += per) u.push_back({c, b, std::min(batches_[c].size(), b + per)});
    }
    for (size_t i = 0; i < others_.size(); i += lanes) u.push_back({4, i, std::min(others_.size(), i + lanes)});
    return u;
  }

  // Levenshtein distance (similarity == false: d, or max + 1 when d > max) or similarity
  // (1 - d / max(la, lb)) of the query of `scorer` against the choices of unit u, into
  // out[choice index] (T: double, float or int32_t, the result's element type; a distance
  // converts exactly). `dist` is scratch (grown here).
  template <class T>
  void levenshtein(const CachedLevenshtein& scorer, const Unit& u, SimdPath p, size_t max, bool similarity, T* out,
                   std::vector<uint32_t>& dist) const {
    const uint32_t* q = scorer.data();
    const size_t n = scorer.size();
    if (u.kind >= 4) {
      for (size_t k = u.begin; k < u.end; ++k) {
        const size_t i = u.kind == 4 ? others_[k] : k;
        if (similarity) out[i] = static_cast<T>(scorer.similarity(data(i), length(i)));
        else out[i] = static_cast<T>(scorer.distance(data(i), length(i), max));
      }
      return;
    }
    const detail::LaneBatch* batches = batches_[u.kind].data();
    const size_t lane0 = batches[u.begin].lane_at;
    const size_t lane1 = batches[u.end - 1].lane_at + batches[u.end - 1].lanes;
    if (dist.size() < lane1 - lane0) dist.resize(lane1 - lane0);
    detail::run_lanes(p, view(), u.kind, u.begin, u.end, q, n, dist.data());
    const uint32_t* d = dist.data() - lane0;
    if (similarity) {
      for (size_t l = lane0; l < lane1; ++l) out[lane_index_[l]] = static_cast<T>(detail::levenshtein_result(d[l], lane_len_[l], n, max, true));
    } else if (max >= UINT32_MAX) {  // no distance is above max: a plain conversion
      for (size_t l = lane0; l < lane1; ++l) out[lane_index_[l]] = static_cast<T>(d[l]);
    } else {  // the distance needs no length: a loop of its own
      const uint32_t cap = static_cast<uint32_t>(max + 1);
      for (size_t l = lane0; l < lane1; ++l) out[lane_index_[l]] = static_cast<T>(std::min(d[l], cap));
    }
  }

  // Jaro or Jaro-Winkler (scorer: CachedJaro / CachedJaroWinkler) of the choices of unit u.
  template <class Scorer, class T>
  void similarity(const Scorer& scorer, const Unit& u, double min, T* out) const {
    if (u.kind >= 4) {
      for (size_t k = u.begin; k < u.end; ++k) {
        const size_t i = u.kind == 4 ? others_[k] : k;
        out[i] = static_cast<T>(scorer.similarity(data(i), length(i), min));
      }
      return;
    }
    const detail::LaneBatch* batches = batches_[u.kind].data();
    for (size_t b = u.begin; b < u.end; ++b)
      for (uint32_t l = 0; l < batches[b].lanes; ++l) {
        const size_t i = lane_index_[batches[b].lane_at + l];
        out[i] = static_cast<T>(scorer.similarity(data(i), length(i), min));
      }
  }

  PackedChoicesView view() const {
    return PackedChoicesView{{batches_[0].data(), batches_[1].data(), batches_[2].data(), batches_[3].data()},
                             lane_len_.data()};
  }
  size_t batches(int cls) const { return batches_[cls].size(); }
  // The choice in lane l (lanes numbered across batches, as LaneBatch::lane_at).
  uint32_t lane_choice(size_t l) const { return lane_index_[l]; }

 private:
  // Match vectors live in chunks of kChunk that never move (a batch points into one).
  static constexpr size_t kChunk = 8192;

  // Fills offsets_ and max_units_ from the lengths; returns the total code points.
  size_t index(const uint32_t* lengths) {
    const size_t count = units_.size();
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
      offsets_[i] = total;
      total += lengths[i];
      if (units_[i] > max_units_) max_units_ = units_[i];
    }
    offsets_[count] = total;
    return total;
  }

  void pack() {
    std::vector<uint32_t> members[4];
    for (size_t i = 0; i < size(); ++i) {
      const int c = detail::lane_class(length(i));
      if (c < 0) others_.push_back(static_cast<uint32_t>(i));
      else members[c].push_back(static_cast<uint32_t>(i));
    }
    lane_index_.reserve(size() - others_.size());
    lane_len_.reserve(size() - others_.size());
    detail::BatchBuilder builder;
    size_t chunks_in_use = 0, chunk_used = kChunk;  // chunks_ from an earlier packing are reused
    for (int c = 0; c < 4; ++c) {
      const unsigned W = detail::kLaneBits[c];
      const size_t per = 512 / W;
      batches_[c].reserve((members[c].size() + per - 1) / per);
      for (size_t at = 0; at < members[c].size(); at += per) {
        const uint32_t lanes = static_cast<uint32_t>(std::min(per, members[c].size() - at));
        detail::LaneBatch b;
        builder.build(b, W, lanes, static_cast<uint32_t>(lane_index_.size()), [&](uint32_t l) {
          const uint32_t i = members[c][at + l];
          return std::make_pair(data(i), length(i));
        });
        for (uint32_t l = 0; l < lanes; ++l) {
          lane_index_.push_back(members[c][at + l]);
          lane_len_.push_back(static_cast<uint8_t>(length(members[c][at + l])));
        }
        if (chunk_used + builder.count() > kChunk) {
          if (chunks_in_use == chunks_.size()) chunks_.emplace_back(new detail::LaneVector[kChunk]);
          ++chunks_in_use;
          chunk_used = 0;
        }
        detail::LaneVector* to = chunks_[chunks_in_use - 1].get() + chunk_used;
        std::memcpy(to, b.vectors, builder.count() * sizeof(detail::LaneVector));
        chunk_used += builder.count();
        b.vectors = to;
        if (b.large_count) {
          large_.emplace_back(new detail::LargeEntry[b.large_count]);
          std::memcpy(large_.back().get(), b.large, b.large_count * sizeof(detail::LargeEntry));
          b.large = large_.back().get();
          large_count_ += b.large_count;
        } else {
          b.large = nullptr;
        }
        batches_[c].push_back(b);
      }
    }
    chunks_.resize(chunks_in_use);
  }

  std::vector<uint32_t> points_;
  std::vector<size_t> offsets_;
  std::vector<uint32_t> units_;
  uint32_t max_units_ = 0;
  std::vector<detail::LaneBatch> batches_[4];
  std::vector<std::unique_ptr<detail::LaneVector[]>> chunks_;
  std::vector<std::unique_ptr<detail::LargeEntry[]>> large_;
  size_t large_count_ = 0;
  std::vector<uint32_t> lane_index_;  // lane -> choice index
  std::vector<uint8_t> lane_len_;     // lane -> code points
  std::vector<uint32_t> others_;      // choices no lane holds
};

// QueryScorer (every metric over packed choices) is in multi_jaro.hpp.

}  // namespace strdist
