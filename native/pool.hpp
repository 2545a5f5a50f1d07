// strdist — the threads that split one search or matrix.
//
// One process-wide pool of helper threads, started on first use and kept (starting threads
// for every call costs more than a short search; native/bench/pool_bench.cc measures both).
// ThreadPool::run(parts, work) calls work(0) .. work(parts - 1), each exactly once, on the
// calling thread and on whatever helpers are free, and returns when all have finished:
//   - the caller takes parts too, and takes every part no helper has claimed, so a run never
//     waits on a busy or missing helper: a pool that could start no thread at all (EAGAIN
//     under a pids or RLIMIT_NPROC limit) runs everything on the caller, never aborts;
//   - an exception thrown by a part is caught on its thread, the parts not yet started are
//     skipped, and the first exception is rethrown on the caller once every running part is
//     done (nothing outlives the run that refers to the caller's stack).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace strdist {

class ThreadPool {
 public:
  // At most `max_helpers` threads are started, on demand.
  explicit ThreadPool(unsigned max_helpers = 255) : max_helpers_(max_helpers) {
    threads_.reserve(max_helpers_);  // so starting a thread never reallocates
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Joins the helpers (no run may be in progress).
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  template <class F>
  void run(unsigned parts, F&& work) {
    Job job;
    job.parts = parts;
    job.context = &work;
    job.call = [](void* ctx, unsigned part) { (*static_cast<std::remove_reference_t<F>*>(ctx))(part); };
    unsigned helpers = 0;
    if (parts > 1) {
      std::lock_guard<std::mutex> lock(mu_);
      start_helpers(parts - 1);
      helpers = std::min<unsigned>(parts - 1, static_cast<unsigned>(threads_.size()));
      if (helpers > 0) {
        try {
          jobs_.push_back(&job);
        } catch (...) {
          helpers = 0;  // no room to queue it: the caller runs every part
        }
      }
    }
    for (unsigned i = 0; i < helpers; ++i) wake_.notify_one();
    work_on(job);
    if (helpers > 0) {
      std::unique_lock<std::mutex> lock(mu_);
      drop(&job);
      done_.wait(lock, [&] { return job.active == 0; });
    }
    if (job.error) std::rethrow_exception(job.error);
  }

  // Helper threads started so far.
  unsigned helpers() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<unsigned>(threads_.size());
  }

 private:
  struct Job {
    void (*call)(void*, unsigned) = nullptr;
    void* context = nullptr;
    unsigned parts = 0;
    std::atomic<unsigned> next{0};      // the next part to claim
    std::atomic<bool> failed{false};
    unsigned active = 0;                // helpers inside work_on (guarded by mu_)
    std::mutex error_mu;
    std::exception_ptr error;
    bool exhausted() const { return next.load(std::memory_order_relaxed) >= parts; }
  };

  static void work_on(Job& job) {
    for (;;) {
      const unsigned part = job.next.fetch_add(1, std::memory_order_relaxed);
      if (part >= job.parts) return;
      if (job.failed.load(std::memory_order_relaxed)) continue;
      try {
        job.call(job.context, part);
      } catch (...) {
        std::lock_guard<std::mutex> lock(job.error_mu);
        if (!job.error) job.error = std::current_exception();
        job.failed.store(true, std::memory_order_relaxed);
      }
    }
  }

  // Under mu_: takes `job` off the queue if it is still there.
  void drop(Job* job) {
    auto it = std::find(jobs_.begin(), jobs_.end(), job);
    if (it != jobs_.end()) jobs_.erase(it);
  }

  // Under mu_: starts helpers until there are `want` (or max_helpers_). A thread that cannot
  // be started (std::system_error, or no memory for its stack) means fewer helpers.
  void start_helpers(unsigned want) {
    want = std::min(want, max_helpers_);
    while (threads_.size() < want) {
      try {
        threads_.emplace_back([this] { helper(); });
      } catch (...) {
        return;
      }
    }
  }

  void helper() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping
      Job* job = jobs_.front();
      if (job->exhausted()) {
        jobs_.pop_front();  // every part is claimed: nothing left for helpers
        continue;
      }
      ++job->active;
      lock.unlock();
      work_on(*job);
      lock.lock();
      drop(job);
      // The caller frees `job` once active is 0 and it holds mu_, which this thread still does.
      if (--job->active == 0) done_.notify_all();
    }
  }

  const unsigned max_helpers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::deque<Job*> jobs_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

// Runs posted tasks in order on up to `max_threads` threads of its own, started on demand: the
// async searches and matrices run here, not on libuv's pool, because Node waits for libuv work
// before it shuts an environment down (a terminated worker_thread would wait for the search
// to end), while these can be cancelled by the environment's cleanup hook.
class TaskQueue {
 public:
  explicit TaskQueue(unsigned max_threads) : max_threads_(max_threads) {}
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // False when no thread could be started for the task: then it was not queued, and the
  // caller runs it.
  bool post(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mu_);
    // A thread counts as idle until it has taken a task, so in a burst of posts one idle thread
    // would stand for all of them: start one unless an idle thread is left for this task.
    if (tasks_.size() >= idle_ && threads_ < max_threads_) {
      try {
        std::thread([this] { loop(); }).detach();
        ++threads_;
      } catch (...) {
      }
    }
    if (threads_ == 0) return false;
    tasks_.push_back(std::move(task));
    ready_.notify_one();
    return true;
  }

  // Threads started so far.
  unsigned threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      ready_.wait(lock, [&] { return !tasks_.empty(); });
      --idle_;
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();  // tasks catch their own exceptions
      task = nullptr;
      lock.lock();
    }
  }

  const unsigned max_threads_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  unsigned threads_ = 0, idle_ = 0;
};

// The process-wide pool. Never destroyed on purpose: at exit its helpers are parked, and a
// static destructor joining them could run while another thread (a worker_thread's search,
// libuv's pool) still uses it.
inline ThreadPool& shared_pool() {
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

// The process-wide queue of async jobs: four at a time, as libuv's pool would run them (each
// spreads over shared_pool()). Never destroyed, for the same reason.
inline TaskQueue& shared_tasks() {
  static TaskQueue* queue = new TaskQueue(4);
  return *queue;
}

}  // namespace strdist
