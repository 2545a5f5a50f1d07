// The corpus index of each slot of the packed corpus (a word's place in its length group),
// kept compactly (issue 11, item 4: corpus memory).
//
// Inside a length group the slots keep corpus order, so the indices of a chunk of 64 slots
// rise: the chunk keeps its first index and each slot a 16-bit step from it, 2 bytes a word
// instead of 4. A chunk whose indices span 2^16 or more (a rare length spread over a large
// corpus) keeps its 64 indices whole. Filled slot by slot in rising order inside each chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace strdist {
namespace detail {

class SlotIndex {
 public:
  void resize(size_t slots, size_t chunks) {
    step_.assign(slots, 0);
    base_.assign(chunks, 0);
    whole_at_.assign(chunks, 0);
  }

  // Slot `slot`, the k-th of chunk `chunk`, holds corpus index `index`; a chunk's slots come
  // in rising order of k and of index.
  void set(size_t chunk, size_t slot, size_t k, uint32_t index) {
    if (k == 0) base_[chunk] = index;
    if (whole_at_[chunk]) {
      whole_[size_t(whole_at_[chunk] - 1) * 64 + k] = index;
      return;
    }
    const uint32_t step = index - base_[chunk];
    if (step <= 0xffff) {
      step_[slot] = static_cast<uint16_t>(step);
      return;
    }
    // too far from the chunk's first index: the chunk keeps its indices whole from now on
    whole_at_[chunk] = static_cast<uint32_t>(whole_.size() / 64 + 1);
    whole_.resize(whole_.size() + 64);
    uint32_t* whole = whole_.data() + whole_.size() - 64;
    for (size_t j = 0; j < k; ++j) whole[j] = base_[chunk] + step_[slot - k + j];
    whole[k] = index;
  }

  uint32_t get(size_t chunk, size_t slot, size_t k) const {
    const uint32_t at = whole_at_[chunk];
    return at ? whole_[size_t(at - 1) * 64 + k] : base_[chunk] + step_[slot];
  }

  // Where slot's step lives (a prefetch hint: a whole chunk's index lies elsewhere).
  const void* where(size_t slot) const { return step_.data() + slot; }

  size_t bytes() const {
    return step_.capacity() * sizeof(uint16_t) + (base_.capacity() + whole_at_.capacity() + whole_.capacity()) * sizeof(uint32_t);
  }

 private:
  std::vector<uint16_t> step_;      // per slot: its index minus its chunk's first
  std::vector<uint32_t> base_;      // per chunk: its first slot's index
  std::vector<uint32_t> whole_at_;  // per chunk: 0, or 1 + which block of 64 in whole_ holds its indices
  std::vector<uint32_t> whole_;
};

}  // namespace detail
}  // namespace strdist
