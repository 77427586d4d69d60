// The long-lived sandboxed child that serves many files: one fork for many requests, and a child
// that crashes, hangs or floods on one request costs that request only; the next one gets a
// fresh child with the same limits.
#include "sandbox_worker.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "metadata_internal.hpp"
#include "testing.hpp"

namespace evidence::metadata_internal {
namespace {

using End = SandboxOutcome::End;
using std::chrono::milliseconds;

// Free in the test process when its worker starts; another thread holds it when the worker
// restarts its child.
std::mutex g_lock;

// Echoes the request, or misbehaves when asked to.
void Handler(std::string_view request, int /*fd*/, const SandboxSend& send) {
  send("partial");
  // SIGABRT rather than SIGSEGV: a sanitizer runtime catches SIGSEGV itself and turns it into a
  // report and an exit status, which made the crash test fail under `make test-asan`.
  if (request == "crash") ::raise(SIGABRT);
  // What a crash in a parser looks like under a sanitizer: the runtime reports and exits non-zero
  // in the middle of the request.
  if (request == "die") ::_exit(1);
  if (request == "hang") ::pause();
  if (request == "spin") {
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;
  }
  if (request == "flood") send(std::string(2 << 20, 'x'));
  if (request == "pid") {
    send(std::to_string(::getpid()));
    return;
  }
  if (request == "ppid") {
    send(std::to_string(::getppid()));
    return;
  }
  if (request == "kill-self") ::raise(SIGKILL);
  if (request == "try-lock") {
    bool free = g_lock.try_lock();
    if (free) g_lock.unlock();
    send(free ? "free" : "held");
    return;
  }
  send("echo:" + std::string(request));
}

TEST(SandboxWorker, OneChildServesManyRequests) {
  SandboxWorker worker(Handler, SandboxLimits{});
  for (int i = 0; i < 50; ++i) {
    SandboxOutcome out = worker.Call("r" + std::to_string(i));
    ASSERT_EQ(out.end, End::kExited) << out.detail;
    EXPECT_EQ(out.code, 0);
    EXPECT_EQ(out.last_message, "echo:r" + std::to_string(i));
  }
  EXPECT_EQ(worker.children_started(), 1u);
  EXPECT_NE(worker.Call("pid").last_message, std::to_string(::getpid()));
}

TEST(SandboxWorker, CrashCostsOneRequestAndTheNextGetsAFreshChild) {
  SandboxWorker worker(Handler, SandboxLimits{});
  EXPECT_EQ(worker.Call("a").last_message, "echo:a");
  SandboxOutcome crashed = worker.Call("crash");
  EXPECT_EQ(crashed.end, End::kSignaled);
  EXPECT_EQ(crashed.code, SIGABRT);
  EXPECT_EQ(crashed.last_message, "partial");  // what was sent before the crash is kept
  SandboxOutcome next = worker.Call("b");
  EXPECT_EQ(next.end, End::kExited);
  EXPECT_EQ(next.last_message, "echo:b");
  EXPECT_EQ(worker.children_started(), 2u);
}

// Regression for the crash test failing under ASan: a child that exits mid-request (as a
// sanitizer makes it on SIGSEGV) also costs that request only.
TEST(SandboxWorker, ChildThatExitsMidRequestCostsThatRequestOnly) {
  SandboxWorker worker(Handler, SandboxLimits{});
  EXPECT_EQ(worker.Call("a").last_message, "echo:a");
  SandboxOutcome died = worker.Call("die");
  EXPECT_EQ(died.end, End::kExited);
  EXPECT_EQ(died.code, 1);
  EXPECT_EQ(died.last_message, "partial");
  SandboxOutcome next = worker.Call("b");
  EXPECT_EQ(next.end, End::kExited);
  EXPECT_EQ(next.code, 0);
  EXPECT_EQ(next.last_message, "echo:b");
  EXPECT_EQ(worker.children_started(), 2u);
}

TEST(SandboxWorker, HangIsKilledAtTheTimeLimitPerRequest) {
  SandboxLimits limits;
  limits.timeout = milliseconds(300);
  SandboxWorker worker(Handler, limits);
  SandboxOutcome out = worker.Call("hang");
  EXPECT_EQ(out.end, End::kTimedOut);
  EXPECT_EQ(out.last_message, "partial");
  EXPECT_EQ(worker.Call("c").last_message, "echo:c");
}

TEST(SandboxWorker, BusyLoopIsStopped) {
  SandboxLimits limits;
  limits.timeout = milliseconds(300);
  SandboxWorker worker(Handler, limits);
  SandboxOutcome out = worker.Call("spin");
  EXPECT_TRUE(out.end == End::kTimedOut || out.end == End::kSignaled) << out.detail;
  EXPECT_EQ(worker.Call("d").last_message, "echo:d");
}

TEST(SandboxWorker, OversizedMessageIsRefused) {
  SandboxLimits limits;
  limits.max_message_bytes = 1 << 20;
  SandboxWorker worker(Handler, limits);
  EXPECT_EQ(worker.Call("flood").end, End::kTooMuchOutput);
  EXPECT_EQ(worker.Call("e").last_message, "echo:e");
}

TEST(SandboxWorker, ChildKilledBetweenRequestsCostsTheNextRequestOnly) {
  SandboxWorker worker(Handler, SandboxLimits{});
  auto pid = worker.Call("pid").last_message;
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(std::stoi(*pid), SIGKILL), 0);
  SandboxOutcome out = worker.Call("f");
  if (out.end == End::kExited && out.code == 0) {
    ADD_FAILURE() << "a dead child answered";
  }
  EXPECT_EQ(worker.Call("g").last_message, "echo:g");
}

TEST(SandboxWorker, ChildrenAreRecycledAfterTheirQuota) {
  SandboxWorker worker(Handler, SandboxLimits{}, /*max_requests=*/3);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(worker.Call("x").last_message, "echo:x");
  EXPECT_EQ(worker.children_started(), 3u);
}

// Regression for a restarted extractor child that hung under ASan until the time limit: it was
// forked while another ingest thread held the ASan allocator's lock, and inherited it held.
// Restarts now come from the fork server, forked while the process had one thread.
TEST(SandboxWorker, ChildRestartedWhileAnotherThreadHoldsALockDoesNotInheritIt) {
  SandboxWorker worker(Handler, SandboxLimits{});
  worker.StartNow();  // one thread, g_lock free
  EXPECT_EQ(worker.Call("try-lock").last_message, "free");
  EXPECT_EQ(worker.Call("crash").end, End::kSignaled);

  std::promise<void> locked;
  std::promise<void> release;
  std::thread holder([&] {
    std::lock_guard<std::mutex> hold(g_lock);
    locked.set_value();
    release.get_future().wait();
  });
  locked.get_future().wait();
  SandboxOutcome out = worker.Call("try-lock");  // served by a child started now
  release.set_value();
  holder.join();
  ASSERT_EQ(out.end, End::kExited) << out.detail;
  EXPECT_EQ(out.last_message, "free");
  EXPECT_EQ(worker.children_started(), 2u);
}

// Starts `worker` early, with its fork server, and returns the pid of the child's parent (the
// server, not this process), as the child reports it.
std::string StartWithForkServer(SandboxWorker& worker) {
  worker.StartNow();
  std::optional<std::string> server = worker.Call("ppid").last_message;
  EXPECT_TRUE(server.has_value());
  EXPECT_NE(server.value_or(""), std::to_string(::getpid()));
  return server.value_or("");
}

TEST(SandboxWorker, RestartsAfterACrashAKillAndTheQuotaComeFromTheForkServer) {
  SandboxWorker worker(Handler, SandboxLimits{}, /*max_requests=*/3);
  const std::string server = StartWithForkServer(worker);
  EXPECT_EQ(worker.Call("crash").end, End::kSignaled);  // restart after a crash

  EXPECT_EQ(worker.Call("ppid").last_message, server);
  SandboxOutcome killed = worker.Call("kill-self");  // restart after a kill
  EXPECT_EQ(killed.end, End::kSignaled);
  EXPECT_EQ(killed.code, SIGKILL);
  EXPECT_EQ(killed.detail, "killed by signal 9 (Killed)");

  auto pid = worker.Call("pid").last_message;
  EXPECT_EQ(worker.Call("ppid").last_message, server);
  EXPECT_EQ(worker.Call("x").last_message, "echo:x");
  EXPECT_EQ(worker.Call("ppid").last_message, server);  // quota (3) reached: a new child
  EXPECT_NE(worker.Call("pid").last_message, pid);
  EXPECT_EQ(worker.children_started(), 4u);
}

// What the ingest test does: the extractor child, a child of the fork server, killed from outside.
TEST(SandboxWorker, ChildOfTheForkServerKilledFromOutsideIsReportedAsKilled) {
  SandboxWorker worker(Handler, SandboxLimits{});
  const std::string server = StartWithForkServer(worker);
  auto pid = worker.Call("pid").last_message;
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(std::stoi(*pid), SIGKILL), 0);
  SandboxOutcome out = worker.Call("f");
  EXPECT_EQ(out.end, End::kSignaled);
  EXPECT_EQ(out.detail, "killed by signal 9 (Killed)");
  EXPECT_EQ(worker.Call("ppid").last_message, server);
  EXPECT_EQ(worker.children_started(), 2u);
}

TEST(SandboxWorker, ForkServerKilledFromOutsideCostsOneRequestThenChildrenAreForkedDirectly) {
  SandboxWorker worker(Handler, SandboxLimits{});
  const std::string server = StartWithForkServer(worker);
  ASSERT_FALSE(server.empty());
  const pid_t server_pid = std::stoi(server);
  ASSERT_EQ(::kill(server_pid, SIGKILL), 0);
  // Wait until the server is dead, without reaping it (the worker does): its child has been sent
  // SIGKILL by then (PR_SET_PDEATHSIG), so the next request is the one lost.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(server_pid), &info, WEXITED | WNOWAIT), 0);

  SandboxOutcome lost = worker.Call("a");
  EXPECT_NE(lost.end, End::kNotStarted);
  EXPECT_FALSE(lost.end == End::kExited && lost.code == 0) << "a dead child answered";
  EXPECT_EQ(lost.detail, "ended with its fork server");
  for (int i = 0; i < 3; ++i) {
    SandboxOutcome out = worker.Call("b" + std::to_string(i));
    EXPECT_EQ(out.end, End::kExited) << out.detail;
    EXPECT_EQ(out.last_message, "echo:b" + std::to_string(i));
  }
  EXPECT_EQ(worker.Call("ppid").last_message, std::to_string(::getpid()));
  EXPECT_EQ(worker.children_started(), 2u);
}

TEST(SandboxWorker, ChildCannotWriteFiles) {
  testing::TempDir dir;
  std::string p = (dir.path() / "written").string();
  SandboxWorker worker(
      [](std::string_view path, int /*fd*/, const SandboxSend& send) {
        FILE* f = std::fopen(std::string(path).c_str(), "w");
        bool wrote = f != nullptr && std::fputs("data", f) >= 0 && std::fflush(f) == 0;
        send(wrote ? "wrote" : "refused");
      },
      SandboxLimits{});
  SandboxOutcome out = worker.Call(p);
  // The request ran and the write failed: refused, or the child died of the file-size limit
  // (RLIMIT_FSIZE 0 raises SIGXFSZ). Any other end would prove nothing about the sandbox.
  EXPECT_TRUE(out.last_message == "refused" || (out.end == End::kSignaled && out.code == SIGXFSZ))
      << out.last_message.value_or("(no message)") << " / " << out.detail;
  // And nothing reached the disk.
  std::error_code ec;
  const bool exists = std::filesystem::exists(p, ec);
  EXPECT_TRUE(!exists || std::filesystem::file_size(p, ec) == 0) << p << " was written";
}

TEST(MetadataExtractor, ManyFilesOneChild) {
  testing::TempDir dir;
  MetadataExtractor extractor;
  for (int i = 0; i < 20; ++i) {
    std::filesystem::path p = dir.path() / ("note-" + std::to_string(i) + ".txt");
    testing::WriteFile(p, "a plain note number " + std::to_string(i) + "\n");
    Metadata md = extractor.Extract(p, p.filename().string());
    EXPECT_EQ(md.media_type, "text/plain");
    EXPECT_TRUE(md.errors.empty());
  }
  EXPECT_EQ(extractor.children_started(), 1u);
}

}  // namespace
}  // namespace evidence::metadata_internal
