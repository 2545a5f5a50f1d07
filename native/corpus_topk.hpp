// The running top n of a corpus search, and the order of its results: better key first, then
// lower corpus index (keys are "higher is better" for every metric: Levenshtein's is -distance).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
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

// The floor the threads of one search share: the n-th best key among the words that have
// entered any thread's top n so far, which no result can rank below. Each thread keeps its own
// top n (merged at the end); their union's is kept here, under a lock taken only when a word
// enters a thread's top n (rare next to the words a search reads). A floor of the best thread's
// own n-th best instead let each thread score what the other had already beaten: 30% more
// words scored for Jaro, 80% more for Levenshtein, on 2 threads.
class SharedFloor {
 public:
  SharedFloor(size_t n, bool threads) : union_(threads ? n : 0), threads_(threads) {}
  double load() const { return floor_.load(std::memory_order_relaxed); }

  // `e` has just entered `top`, the top n of one of the threads.
  void entered(const Entry& e, const TopK& top) {
    if (!threads_) {
      if (top.full()) atomic_raise(floor_, top.worst().key);
      return;
    }
    if (e.key < load()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (union_.offer(e) && union_.full()) atomic_raise(floor_, union_.worst().key);
  }

 private:
  std::atomic<double> floor_{-std::numeric_limits<double>::infinity()};
  std::mutex mu_;
  TopK union_;
  const bool threads_;
};

}  // namespace detail
}  // namespace strdist
