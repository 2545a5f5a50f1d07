// The running top n of a corpus search, and the order of its results: better key first, then
// lower corpus index (keys are "higher is better" for every metric: Levenshtein's is -distance).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace strdist {
namespace detail {

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

inline void atomic_raise(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (v > cur && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace detail
}  // namespace strdist
