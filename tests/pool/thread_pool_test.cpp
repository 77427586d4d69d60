// The worker pool behind parallel ingest and verify: results come back in the order the work was
// given whatever the threads do, the queue never holds more than its capacity, and a failure in
// one piece of work is that piece's result, not the others'.
#include "thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "evidence/status.hpp"

namespace evidence {
namespace {

TEST(ThreadPool, RunsEveryTaskOnItsThreads) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2, 4);
    EXPECT_EQ(pool.workers(), 2u);
    for (int i = 0; i < 100; ++i) pool.Post([&] { ran++; });
  }  // the destructor runs what is queued
  EXPECT_EQ(ran.load(), 100);
}

TEST(ThreadPool, AtLeastOneWorker) {
  ThreadPool pool(0, 0);
  EXPECT_EQ(pool.workers(), 1u);
  EXPECT_EQ(pool.Submit([] { return 7; }).get(), 7);
}

TEST(ThreadPool, WorkerIndexIsWithinThePool) {
  ThreadPool pool(3, 8);
  std::vector<std::future<std::size_t>> f;
  for (int i = 0; i < 50; ++i) f.push_back(pool.Submit([] { return ThreadPool::CurrentWorker(); }));
  for (auto& x : f) EXPECT_LT(x.get(), 3u);
}

TEST(ThreadPool, SubmitBlocksWhileTheQueueIsFull) {
  ThreadPool pool(1, 2);
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  auto blocker = [&] {
    started++;
    while (!release) std::this_thread::yield();
  };
  pool.Post(blocker);  // runs, and holds the only worker
  while (started == 0) std::this_thread::yield();
  pool.Post([] {});  // queued: 1 of 2
  pool.Post([] {});  // queued: 2 of 2
  std::atomic<bool> third_posted{false};
  std::thread poster([&] {
    pool.Post([] {});
    third_posted = true;
  });
  // The queue is full and the worker is held: the poster cannot get through until released.
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  EXPECT_FALSE(third_posted.load());
  release = true;
  poster.join();
  EXPECT_TRUE(third_posted.load());
}

TEST(RunOrdered, ResultsArriveInSubmissionOrderWhateverTheTiming) {
  ThreadPool pool(4, 8);
  std::vector<std::size_t> seen;
  bool all = RunOrdered(
      pool, 200, 16,
      [](std::size_t i) {
        // Early items take longest, so they finish after later ones.
        if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        return i * 10;
      },
      [&](std::size_t i, std::size_t r) {
        EXPECT_EQ(r, i * 10);
        seen.push_back(i);
        return true;
      },
      [](std::size_t) { ADD_FAILURE() << "nothing should be dropped"; });
  EXPECT_TRUE(all);
  ASSERT_EQ(seen.size(), 200u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
}

TEST(RunOrdered, AtMostWindowResultsAreOutstanding) {
  ThreadPool pool(2, 64);
  std::atomic<int> started{0};
  int consumed = 0;
  int max_ahead = 0;
  RunOrdered(
      pool, 100, 5,
      [&](std::size_t) {
        started++;
        return 0;
      },
      [&](std::size_t, int) {
        ++consumed;
        max_ahead = std::max(max_ahead, started.load() - consumed);
        return true;
      },
      [](int) {});
  EXPECT_LE(max_ahead, 5);
}

TEST(RunOrdered, FailureOfOneItemIsItsOwnAndStopsTheRest) {
  ThreadPool pool(2, 4);
  std::vector<std::string> ok_names;
  std::string error;
  std::atomic<int> dropped{0};
  std::atomic<int> ran{0};
  bool all = RunOrdered(
      pool, 1000, 8,
      [&](std::size_t i) -> Status {
        ran++;
        if (i == 42) return Status::InvalidArgument("file-42.bin: cannot read: Permission denied");
        return Status::Ok();
      },
      [&](std::size_t i, Status s) {
        if (!s.ok()) {
          error = s.message();
          return false;
        }
        ok_names.push_back("file-" + std::to_string(i) + ".bin");
        return true;
      },
      [&](Status) { dropped++; });
  EXPECT_FALSE(all);
  EXPECT_EQ(error, "file-42.bin: cannot read: Permission denied");
  EXPECT_EQ(ok_names.size(), 42u);
  EXPECT_EQ(ok_names.back(), "file-41.bin");
  // Work already under way is finished and handed to `drop`; nothing further starts.
  EXPECT_EQ(ran.load(), 43 + dropped.load());
  EXPECT_LE(dropped.load(), 8);
}

}  // namespace
}  // namespace evidence
