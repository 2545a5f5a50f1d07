// The running top n of a corpus search, and the order of its results: better key first, then
// lower corpus index (keys are "higher is better" for every metric: Levenshtein's is -distance).
#pragma once

#include <algorithm>
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

// What the threads of one search share: the top n of every word that has entered any thread's
// own top n, under a lock taken only when a word enters one (rare next to the words a search
// reads). Its n-th best is never better than the final n-th best, so a word ranking after it
// cannot be in the result. Before it, each thread pruned by the best thread's own n-th best
// only, and scored what another thread had already beaten: on 2 threads, 30% more words scored
// than on 1 for Jaro, 27% for Jaro-Winkler, 80% for Levenshtein (100 queries over 663k words);
// now 3-10% more.
class SharedTop {
 public:
  explicit SharedTop(size_t n) : top_(n) {}
  // `e` has entered one thread's top n; tightens `cut` to the union's n-th best.
  void enter(const Entry& e, Entry& cut) {
    std::lock_guard<std::mutex> lock(mu_);
    top_.offer(e);
    if (top_.full() && before(top_.worst(), cut)) cut = top_.worst();
  }
  // Tightens `cut` to the union's n-th best (the other threads' progress).
  void read(Entry& cut) {
    std::lock_guard<std::mutex> lock(mu_);
    if (top_.full() && before(top_.worst(), cut)) cut = top_.worst();
  }

 private:
  std::mutex mu_;
  TopK top_;
};

// One thread's bar for a word to enter the result: its own top n, the threads' shared one (none
// on one thread) and the user's cutoff.
class Bar {
 public:
  Bar(TopK& top, SharedTop* shared, double base) : floor(base), top_(top), shared_(shared) {}

  // A word scoring below it cannot be in the result (a kernel's 0 for "below the cutoff" is no
  // score).
  double floor;

  // A word whose bound only reaches the cut's key can at best tie it, and then ranks after it
  // unless its index is lower.
  bool beaten(double bound, uint32_t index) const { return bound <= cut_.key && index > cut_.index; }

  // A scored word into this thread's top n.
  void offer(const Entry& e) {
    if (e.key < floor || !top_.offer(e)) return;
    if (top_.full() && before(top_.worst(), cut_)) cut_ = top_.worst();
    if (shared_) shared_->enter(e, cut_);
    floor = std::max(floor, cut_.key);
  }

  // What the other threads have found since.
  void refresh() {
    if (!shared_) return;
    shared_->read(cut_);
    floor = std::max(floor, cut_.key);
  }

 private:
  TopK& top_;
  SharedTop* shared_;
  // The n-th best known to this thread (its own or the union's, whichever ranks first).
  Entry cut_{-std::numeric_limits<double>::infinity(), 0};
};

}  // namespace detail
}  // namespace strdist
