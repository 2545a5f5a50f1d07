// strdist — pattern-match bit vectors.
//
// For a pattern p, the match vector of a code point c has bit i set when
// p[i] == c. The bit-parallel kernels (Levenshtein, Jaro) read one vector per
// text code point, so lookups must be cheap:
//   * code points below 256 use a direct table;
//   * larger code points (up to 0x10FFFF, lone surrogates included) use a small
//     open-addressing hash map.
// PatternMatchVector holds a pattern of at most 64 code points (one word);
// BlockPatternMatchVector holds any length as ceil(n / 64) words per code point.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "intrinsics.hpp"

namespace strdist {
namespace detail {

// ---- bit helpers ------------------------------------------------------------

// ctz64 and popcount64 live in intrinsics.hpp.

// Lowest set bit (0 when x == 0).
inline uint64_t lowest_bit(uint64_t x) { return x & (0 - x); }

// Bits 0 .. n-1 set; n may be anything from 0 up (64 and more give all ones).
inline uint64_t low_mask(size_t n) {
  return n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1;
}

// Fibonacci hashing: the top `bits` bits of c * 2^64/phi.
inline size_t hash_slot(uint32_t c, unsigned bits) {
  return static_cast<size_t>((uint64_t(c) * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

// A buffer of n trivially constructible T, on the stack when n <= N, on the
// heap otherwise. Contents start indeterminate.
template <class T, size_t N>
class SmallBuffer {
 public:
  explicit SmallBuffer(size_t n) : ptr_(local_) {
    if (n > N) {
      heap_.reset(new T[n]);
      ptr_ = heap_.get();
    }
  }
  SmallBuffer(const SmallBuffer&) = delete;
  SmallBuffer& operator=(const SmallBuffer&) = delete;
  T* data() { return ptr_; }

 private:
  T local_[N];
  std::unique_ptr<T[]> heap_;
  T* ptr_;
};

// ---- sequences ----------------------------------------------------------------

inline size_t common_prefix(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  const size_t n = std::min(la, lb);
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

inline size_t common_suffix(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  const size_t n = std::min(la, lb);
  size_t i = 0;
  while (i < n && a[la - 1 - i] == b[lb - 1 - i]) ++i;
  return i;
}

// ---- one word ----------------------------------------------------------------

// Match vectors of a pattern of at most 64 code points.
//
// The default state is all zero (the empty pattern); the constructor is
// constexpr, so a thread_local instance needs no run-time initialisation.
// insert()/erase() let one instance be reused: erase() undoes insert() in
// O(n) without touching the whole 3.5 KiB table.
class PatternMatchVector {
 public:
  constexpr PatternMatchVector() : ascii_{}, slots_{}, used_{}, used_count_(0) {}
  PatternMatchVector(const uint32_t* s, size_t n) : PatternMatchVector() { insert(s, n); }

  // Sets bit i of the vector of s[i] for i < n. Requires n <= 64 and an empty
  // vector (fresh or erased).
  void insert(const uint32_t* s, size_t n) {
    uint64_t bit = 1;
    for (size_t i = 0; i < n; ++i, bit <<= 1) {
      uint32_t c = s[i];
      if (c < 256) {
        ascii_[c] |= bit;
      } else {
        size_t k = hash_slot(c, kBits);
        while (slots_[k].mask != 0 && slots_[k].key != c) k = (k + 1) & (kSlots - 1);
        if (slots_[k].mask == 0) {
          slots_[k].key = c;
          used_[used_count_++] = static_cast<uint8_t>(k);
        }
        slots_[k].mask |= bit;
      }
    }
  }

  // Returns the vector to its empty state after insert(s, n).
  void erase(const uint32_t* s, size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (s[i] < 256) ascii_[s[i]] = 0;
    for (size_t k = 0; k < used_count_; ++k) slots_[used_[k]].mask = 0;
    used_count_ = 0;
  }

  uint64_t get(uint32_t c) const {
    if (c < 256) return ascii_[c];
    if (used_count_ == 0) return 0;
    size_t k = hash_slot(c, kBits);
    for (;;) {
      const Slot& slot = slots_[k];
      if (slot.mask == 0) return 0;
      if (slot.key == c) return slot.mask;
      k = (k + 1) & (kSlots - 1);
    }
  }

 private:
  // 128 slots for at most 64 keys: load factor <= 1/2. mask == 0 marks an
  // empty slot (an inserted key always has a bit set).
  static constexpr unsigned kBits = 7;
  static constexpr size_t kSlots = size_t(1) << kBits;
  struct Slot {
    uint64_t mask;
    uint32_t key;
  };

  uint64_t ascii_[256];
  Slot slots_[kSlots];
  uint8_t used_[64];
  size_t used_count_;
};

// ---- many words ----------------------------------------------------------------

// Open-addressing map from a code point (>= 256) to a nonzero uint32_t value;
// find() returns 0 for an absent key. Grows at load factor 1/2.
class CodeMap {
 public:
  size_t size() const { return size_; }

  // Makes room for n keys without further growth.
  void reserve(size_t n) {
    n = std::min<size_t>(n, 0x110000);  // there are no more code points
    unsigned bits = 4;
    while ((size_t(1) << bits) < 2 * n) ++bits;
    if (bits > bits_ || table_.empty()) rehash(bits);
  }

  uint32_t find(uint32_t c) const {
    if (size_ == 0) return 0;
    size_t k = hash_slot(c, bits_);
    const size_t mask = table_.size() - 1;
    for (;;) {
      const Entry& e = table_[k];
      if (e.value == 0) return 0;
      if (e.key == c) return e.value;
      k = (k + 1) & mask;
    }
  }

  // The value slot for c, zero when c was absent (the caller stores a nonzero value).
  uint32_t& find_or_insert(uint32_t c) {
    if (2 * (size_ + 1) > table_.size()) rehash(table_.empty() ? 4 : bits_ + 1);
    size_t k = hash_slot(c, bits_);
    const size_t mask = table_.size() - 1;
    while (table_[k].value != 0 && table_[k].key != c) k = (k + 1) & mask;
    if (table_[k].value == 0) {
      table_[k].key = c;
      ++size_;
    }
    return table_[k].value;
  }

  template <class F>
  void for_each(F f) {
    for (Entry& e : table_)
      if (e.value != 0) f(e.key, e.value);
  }

 private:
  struct Entry {
    uint32_t key;
    uint32_t value;
  };

  void rehash(unsigned bits) {
    std::vector<Entry> old;
    old.swap(table_);
    bits_ = bits;
    table_.assign(size_t(1) << bits_, Entry{0, 0});
    const size_t mask = table_.size() - 1;
    for (const Entry& e : old) {
      if (e.value == 0) continue;
      size_t k = hash_slot(e.key, bits_);
      while (table_[k].value != 0) k = (k + 1) & mask;
      table_[k] = e;
    }
  }

  std::vector<Entry> table_;
  unsigned bits_ = 0;
  size_t size_ = 0;
};

// Match vectors of a pattern of any length, as words() 64-bit words per code
// point (word w covers pattern positions 64w .. 64w+63).
//
// Dense layout: each distinct code point of the pattern owns a row of words()
// words, row 0 being all zero; a code point maps to its row through a
// 256-entry table (below 256) or a CodeMap. A lookup is one table or hash probe,
// then plain indexing by word.
//
// Memory is (distinct code points + 1) * words() words. When that would exceed
// a budget linear in the pattern length (many distinct large code points in a
// long pattern), the large code points go instead into one small hash table per
// word ("sparse" mode), and row() assembles the requested words into a scratch
// buffer. Code points below 256 always stay dense (at most 257 rows).
class BlockPatternMatchVector {
 public:
  BlockPatternMatchVector() = default;

  // dense_budget: the most words the dense layout may take; 0 picks the
  // default, max(2^17, 16 * n). (Tests pass 1 to force the sparse layout.)
  BlockPatternMatchVector(const uint32_t* s, size_t n, size_t dense_budget = 0)
      : words_((n + 63) / 64) {
    std::fill(ascii_row_, ascii_row_ + 256, 0u);
    // Number the distinct code points: those below 256 first, then the others.
    uint32_t ascii_rows = 0;
    for (size_t i = 0; i < n; ++i) {
      uint32_t c = s[i];
      if (c < 256) {
        if (ascii_row_[c] == 0) ascii_row_[c] = ++ascii_rows;
      } else {
        if (large_rows_.size() == 0) large_rows_.reserve(n - i);
        uint32_t& v = large_rows_.find_or_insert(c);
        if (v == 0) v = static_cast<uint32_t>(large_rows_.size());
      }
    }
    const size_t large = large_rows_.size();
    const size_t budget =
        dense_budget ? dense_budget : std::max<size_t>(size_t(1) << 17, words_ * 64 * 16);
    sparse_ = (size_t(ascii_rows) + large + 1) > budget / std::max<size_t>(words_, 1);
    const size_t dense_rows = size_t(ascii_rows) + 1 + (sparse_ ? 0 : large);
    rows_.assign(dense_rows * words_, 0);

    if (!sparse_) {
      large_rows_.for_each([&](uint32_t, uint32_t& v) { v += ascii_rows; });
      for (size_t i = 0; i < n; ++i) {
        uint32_t c = s[i];
        size_t r = c < 256 ? ascii_row_[c] : large_rows_.find(c);
        rows_[r * words_ + i / 64] |= uint64_t(1) << (i % 64);
      }
      return;
    }

    large_rows_ = CodeMap();
    block_slots_.assign(words_ * kSlots, Slot{0, 0});
    for (size_t i = 0; i < n; ++i) {
      uint32_t c = s[i];
      uint64_t bit = uint64_t(1) << (i % 64);
      if (c < 256) {
        rows_[size_t(ascii_row_[c]) * words_ + i / 64] |= bit;
        continue;
      }
      Slot* table = &block_slots_[(i / 64) * kSlots];
      size_t k = hash_slot(c, kBits);
      while (table[k].mask != 0 && table[k].key != c) k = (k + 1) & (kSlots - 1);
      table[k].key = c;
      table[k].mask |= bit;
    }
  }

  size_t words() const { return words_; }
  bool sparse() const { return sparse_; }

  // The all-zero row: what row() returns for a code point absent from the
  // pattern (in dense mode, and always for code points below 256).
  const uint64_t* zero_row() const { return rows_.data(); }

  // The match vector of c, indexed by word. Entries first..last are valid
  // (all of them in dense mode). `scratch` needs room for words() entries and
  // is written only in sparse mode.
  const uint64_t* row(uint32_t c, uint64_t* scratch, size_t first, size_t last) const {
    if (c < 256) return rows_.data() + size_t(ascii_row_[c]) * words_;
    if (!sparse_) return rows_.data() + size_t(large_rows_.find(c)) * words_;
    for (size_t w = first; w <= last; ++w) scratch[w] = sparse_get(w, c);
    return scratch;
  }

 private:
  static constexpr unsigned kBits = 7;  // 128 slots per word for at most 64 keys
  static constexpr size_t kSlots = size_t(1) << kBits;
  struct Slot {
    uint64_t mask;
    uint32_t key;
  };

  uint64_t sparse_get(size_t w, uint32_t c) const {
    const Slot* table = &block_slots_[w * kSlots];
    size_t k = hash_slot(c, kBits);
    for (;;) {
      if (table[k].mask == 0) return 0;
      if (table[k].key == c) return table[k].mask;
      k = (k + 1) & (kSlots - 1);
    }
  }

  size_t words_ = 0;
  bool sparse_ = false;
  uint32_t ascii_row_[256] = {};
  CodeMap large_rows_;
  std::vector<uint64_t> rows_;
  std::vector<Slot> block_slots_;
};

// A per-thread one-word pattern vector for the pairwise (uncached) calls: it is
// filled with insert() and emptied with erase() around each use, so a call
// costs O(pattern length) instead of clearing a table.
inline PatternMatchVector& thread_pattern() {
  static thread_local PatternMatchVector pm;
  return pm;
}

}  // namespace detail
}  // namespace strdist
