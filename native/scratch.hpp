// Memory for a corpus build's large temporaries (issue 11, item 4: corpus memory).
//
// Building an index from a list of words needs several times the index's size in scratch (the
// words as UTF-16, then as code points, the offsets of each word: about 45 MiB for the 663k-word
// list, whose index is 19 MiB). Through malloc, freeing a block glibc had mapped raises its mmap
// threshold to that block's size (up to 32 MiB) and its trim threshold to twice that, for the
// rest of the process: blocks up to that size then come from the heaps, and each thread's heap
// keeps up to twice that of freed memory resident (malloc_trim does not reach the top of a
// thread's heap). Large scratch is mapped and unmapped here instead, out of malloc's sight:
// freeing it gives the pages back at once and leaves malloc's thresholds as they were. Small
// blocks (and other systems) go through the usual allocator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace strdist {

template <class T>
struct ScratchAlloc : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = ScratchAlloc<U>;
  };
  ScratchAlloc() = default;
  template <class U>
  ScratchAlloc(const ScratchAlloc<U>&) noexcept {}

#if defined(__linux__)
  // Below this a block is malloc's as usual (its own mmap threshold starts at 128 KiB).
  static constexpr size_t kMapAt = size_t(1) << 20;
  static bool mapped(size_t n) { return n >= kMapAt / sizeof(T); }
  T* allocate(size_t n) {
    if (!mapped(n)) return std::allocator<T>::allocate(n);
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (!mapped(n)) return std::allocator<T>::deallocate(p, n);
    munmap(p, n * sizeof(T));
  }
#endif
};

template <class T, class U>
bool operator==(const ScratchAlloc<T>&, const ScratchAlloc<U>&) noexcept {
  return true;
}
template <class T, class U>
bool operator!=(const ScratchAlloc<T>&, const ScratchAlloc<U>&) noexcept {
  return false;
}

// A vector of build scratch: see above.
template <class T>
using ScratchVector = std::vector<T, ScratchAlloc<T>>;

}  // namespace strdist
