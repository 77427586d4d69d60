// A small fixed pool of worker threads with a bounded queue, for the work that can use both cores
// (staging and hashing files on ingest, re-hashing objects on verify). Results are taken back in
// the order the work was submitted, so nothing the user sees depends on thread timing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace evidence {

class ThreadPool {
 public:
  // Starts `workers` threads (at least 1). At most `queue_capacity` tasks wait beyond the ones
  // being run; Submit blocks while the queue is full, so memory stays bounded.
  ThreadPool(std::size_t workers, std::size_t queue_capacity);
  // Runs what is queued, then joins the threads.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The worker count for I/O-and-hash work on this machine: the hardware threads, 1 to 8.
  static std::size_t DefaultWorkers();

  std::size_t workers() const { return threads_.size(); }

  // Index (0 .. workers()-1) of the pool thread running the caller, for per-worker resources.
  // Only meaningful inside a task.
  static std::size_t CurrentWorker();

  // Queues `task`; blocks while the queue is full. Thread-safe.
  void Post(std::function<void()> task);

  // Queues `fn` and returns a future for its result. An exception thrown by `fn` reaches the
  // future (our code returns errors as Status values; this only guards library surprises).
  template <typename Fn>
  auto Submit(Fn fn) -> std::future<std::invoke_result_t<Fn>> {
    using T = std::invoke_result_t<Fn>;
    auto task = std::make_shared<std::packaged_task<T()>>(std::move(fn));
    std::future<T> f = task->get_future();
    Post([task] { (*task)(); });
    return f;
  }

 private:
  void Run(std::size_t index);

  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> queue_;
  std::size_t capacity_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `fn(i)` for i in [0, count) on `pool` and hands each result to `consume(i, result)` on the
// calling thread, strictly in index order, with at most `window` results outstanding. Stops
// submitting as soon as `consume` returns false (work already submitted still finishes and its
// results are handed to `drop`, e.g. to discard staged files). Returns whether all were consumed.
template <typename Fn, typename Consume, typename Drop>
bool RunOrdered(ThreadPool& pool, std::size_t count, std::size_t window, Fn fn, Consume consume,
                Drop drop) {
  using T = std::invoke_result_t<Fn, std::size_t>;
  if (window == 0) window = 1;
  std::deque<std::future<T>> inflight;
  std::size_t next = 0;
  bool ok = true;
  for (std::size_t done = 0; done < count && ok; ++done) {
    while (next < count && inflight.size() < window) {
      inflight.push_back(pool.Submit([&fn, i = next] { return fn(i); }));
      ++next;
    }
    T result = inflight.front().get();
    inflight.pop_front();
    ok = consume(done, std::move(result));
  }
  for (auto& f : inflight) drop(f.get());
  return ok;
}

}  // namespace evidence
