#include "thread_pool.hpp"

#include <algorithm>

namespace evidence {

namespace {
thread_local std::size_t current_worker = 0;
}

ThreadPool::ThreadPool(std::size_t workers, std::size_t queue_capacity)
    : capacity_(std::max<std::size_t>(queue_capacity, 1)) {
  workers = std::max<std::size_t>(workers, 1);
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { Run(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  not_empty_.notify_all();
  for (auto& t : threads_) t.join();
}

std::size_t ThreadPool::DefaultWorkers() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(n == 0 ? 2 : n, 1, 8);
}

std::size_t ThreadPool::CurrentWorker() { return current_worker; }

void ThreadPool::Post(std::function<void()> task) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [this] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(task));
  }
  not_empty_.notify_one();
}

void ThreadPool::Run(std::size_t index) {
  current_worker = index;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_empty_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    not_full_.notify_one();
    task();
  }
}

}  // namespace evidence
