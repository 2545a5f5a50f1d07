// The words of a corpus read back from its native index (issue 11, item 4: corpus memory).
//
// A corpus without a processor searches its words as given, so the index's packed text (words
// grouped by length, code points 1, 2 or 4 bytes wide) already holds every word: JavaScript
// keeps no string of its own and asks for words here when it needs them (`at()`, matches,
// `words`). Code points map back to the given UTF-16 exactly: decoding pairs a high surrogate
// with a following low one, so a lone high surrogate is never followed by a low one in the
// index, and re-encoding (astral code points as pairs, lone surrogates as themselves) gives the
// units that went in.
//
// Also here: a word list parsed straight from its UTF-8 bytes (Corpus.fromFile), with the same
// words as src/corpus-source.ts's parseWords (format 'lines') gives, so a file's words never
// become JavaScript strings at all.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "corpus.hpp"
#include "scratch.hpp"

namespace strdist {

class CorpusWords {
 public:
  // Where word `i` (a corpus index) sits: its group's text and its length in code points.
  struct Word {
    const uint8_t* text = nullptr;  // width() bytes per code point
    uint32_t length = 0;
  };

  // Inside a length group the slots keep corpus order, so a word is found by a binary search
  // of the group's indices in each group (a few dozen groups): no table from corpus index to
  // slot is kept.
  static bool find(const CorpusIndex& c, uint32_t i, Word* out) {
    if (i >= c.count_) return false;
    for (const CorpusIndex::Group& g : c.groups_) {
      if (g.count == 0 || i < c.index_of(g, 0) || i > c.index_of(g, g.count - 1)) continue;
      const size_t k = lower_slot(c, g, i);
      if (k < g.count && c.index_of(g, k) == i) {
        out->text = c.text_.data() + (g.text + k * g.length) * size_t(c.width_);
        out->length = g.length;
        return true;
      }
    }
    return false;
  }

  // Calls emit(corpus_index, word) for every word with from <= index < to, group by group.
  template <class F>
  static void each_in_range(const CorpusIndex& c, uint32_t from, uint32_t to, F&& emit) {
    for (const CorpusIndex::Group& g : c.groups_) {
      for (size_t k = lower_slot(c, g, from); k < g.count; ++k) {
        const uint32_t at = c.index_of(g, k);
        if (at >= to) break;
        emit(at, Word{c.text_.data() + (g.text + k * g.length) * size_t(c.width_), g.length});
      }
    }
  }

  // The first slot of group g whose corpus index is at least i (g.count if none).
  static size_t lower_slot(const CorpusIndex& c, const CorpusIndex::Group& g, uint32_t i) {
    size_t lo = 0, hi = g.count;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (c.index_of(g, mid) < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  static int width(const CorpusIndex& c) { return c.width_; }

  // Where the index's bytes go, for the memory report.
  struct Bytes {
    size_t text = 0, signatures = 0, index = 0, groups = 0;
  };
  static Bytes bytes(const CorpusIndex& c) {
    // signatures: the bit-sliced planes and their counts, and the row form once a join built it
    return {c.text_.capacity(),
            c.planes_.capacity() * sizeof(uint64_t) + c.plane_ones_.capacity() * sizeof(uint32_t) + c.sigs_.bytes(),
            c.slots_.bytes(), c.groups_.capacity() * sizeof(CorpusIndex::Group)};
  }
};

// A word's code points as UTF-16 (astral ones as surrogate pairs); `out` has room for 2 * length.
inline size_t encode_utf16(const uint32_t* cps, size_t n, char16_t* out) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = cps[i];
    if (c >= 0x10000u) {
      out[k++] = static_cast<char16_t>(0xD800u + ((c - 0x10000u) >> 10));
      out[k++] = static_cast<char16_t>(0xDC00u + ((c - 0x10000u) & 0x3FFu));
    } else {
      out[k++] = static_cast<char16_t>(c);
    }
  }
  return k;
}

namespace detail {

// What String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator.
inline bool js_space(uint32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D);
  if (c < 0xA0) return false;
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// Decodes one line of strict UTF-8 (as TextDecoder's fatal mode: no overlong forms, no
// surrogates, nothing past U+10FFFF) onto `out`; false when the bytes are not valid UTF-8.
inline bool decode_utf8_line(const uint8_t* s, size_t n, ScratchVector<uint32_t>& out) {
  // ASCII first, widened in one go (most word lists are nearly all ASCII)
  size_t i = 0;
  while (i < n && s[i] < 0x80) ++i;
  if (i > 0) {
    const size_t at = out.size();
    out.resize(at + i);
    for (size_t k = 0; k < i; ++k) out[at + k] = s[k];
  }
  while (i < n) {
    const uint32_t b0 = s[i];
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    size_t need;
    uint32_t c, lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      c = b0 & 0x0F;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      c = b0 & 0x07;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + need >= n) return false;  // cut short by the line's end
    for (size_t k = 1; k <= need; ++k) {
      const uint32_t b = s[i + k];
      if (b < lo || b > hi) return false;
      lo = 0x80;
      hi = 0xBF;
      c = (c << 6) | (b & 0x3F);
    }
    out.push_back(c);
    i += need + 1;
  }
  return true;
}

inline uint64_t hash_points(const uint32_t* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  // a full avalanche (the table takes the low bits, which the loop above barely mixes)
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 33);
}

}  // namespace detail

// A word list's words from its UTF-8 bytes: lines split at '\n', each trimmed as
// String.prototype.trim does, empty ones skipped (a leading BOM is whitespace to trim too).
struct ParsedWords {
  ScratchVector<uint32_t> points;   // every kept word's code points back to back
  ScratchVector<uint32_t> lengths;  // in code points
  ScratchVector<uint32_t> positions;  // each kept word's place among the non-empty lines
  bool dropped = false;             // a duplicate was left out (positions are not 0, 1, 2, …)
};

// False when the bytes are not valid UTF-8 or hold more than 2^32 - 1 words (the caller then
// takes the slow path, which reports either).
inline bool parse_word_lines(const uint8_t* bytes, size_t n, bool dedupe, ParsedWords& out) {
  out.points.reserve(n);
  ScratchVector<uint64_t> starts;  // each kept word's first code point (for the duplicate table)
  ScratchVector<uint32_t> table;   // open addressing: kept word + 1, 0 for empty
  size_t mask = 0;
  if (dedupe) {
    table.assign(1024, 0);
    mask = table.size() - 1;
  }
  uint64_t position = 0;
  for (size_t at = 0; at <= n;) {
    const uint8_t* nl = at < n ? static_cast<const uint8_t*>(std::memchr(bytes + at, '\n', n - at)) : nullptr;
    const size_t end = nl ? size_t(nl - bytes) : n;
    const size_t start = out.points.size();
    if (!detail::decode_utf8_line(bytes + at, end - at, out.points)) return false;
    at = end + 1;
    // trim
    size_t b = start, e = out.points.size();
    while (b < e && detail::js_space(out.points[b])) ++b;
    while (e > b && detail::js_space(out.points[e - 1])) --e;
    if (b == e) {
      out.points.resize(start);
      continue;
    }
    if (b != start) std::memmove(out.points.data() + start, out.points.data() + b, (e - b) * sizeof(uint32_t));
    const size_t len = e - b;
    out.points.resize(start + len);
    if (position > 0xFFFFFFFEull) return false;
    const uint32_t pos = static_cast<uint32_t>(position++);
    if (dedupe) {
      const uint32_t* w = out.points.data() + start;
      size_t h = static_cast<size_t>(detail::hash_points(w, len)) & mask;
      bool seen = false;
      for (; table[h] != 0; h = (h + 1) & mask) {
        const uint32_t k = table[h] - 1;
        if (out.lengths[k] == len && std::memcmp(out.points.data() + starts[k], w, len * sizeof(uint32_t)) == 0) {
          seen = true;
          break;
        }
      }
      if (seen) {
        out.points.resize(start);
        out.dropped = true;
        continue;
      }
      table[h] = static_cast<uint32_t>(out.lengths.size() + 1);
      starts.push_back(start);
    }
    out.lengths.push_back(static_cast<uint32_t>(len));
    out.positions.push_back(pos);
    if (dedupe && out.lengths.size() * 2 > table.size()) {
      // grow the table to keep it at most half full
      ScratchVector<uint32_t> bigger(table.size() * 2, 0);
      const size_t m = bigger.size() - 1;
      for (size_t k = 0; k < out.lengths.size(); ++k) {
        size_t h = static_cast<size_t>(detail::hash_points(out.points.data() + starts[k], out.lengths[k])) & m;
        while (bigger[h] != 0) h = (h + 1) & m;
        bigger[h] = static_cast<uint32_t>(k + 1);
      }
      table.swap(bigger);
      mask = m;
    }
    if (!nl) break;
  }
  return true;
}

}  // namespace strdist
