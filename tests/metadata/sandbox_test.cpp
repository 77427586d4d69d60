// The child-process sandbox the metadata parsers run in: results come back, and a crash, a hang
// or a flood of output in the child is reported instead of taking the caller down.
#include "sandbox.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace evidence::metadata_internal {
namespace {

using std::chrono::milliseconds;
using End = SandboxOutcome::End;

TEST(Sandbox, ReturnsTheLastMessage) {
  SandboxOutcome out = RunSandboxed(
      [](const SandboxSend& send) {
        send("first");
        send(std::string(100000, 'x'));
        send("last");
      },
      SandboxLimits{});
  EXPECT_EQ(out.end, End::kExited);
  EXPECT_EQ(out.code, 0);
  EXPECT_EQ(out.last_message, "last");
}

TEST(Sandbox, EmptyMessageIsAMessage) {
  SandboxOutcome out = RunSandboxed([](const SandboxSend& send) { send(""); }, SandboxLimits{});
  EXPECT_EQ(out.end, End::kExited);
  EXPECT_EQ(out.last_message, "");
}

TEST(Sandbox, CrashKeepsWhatWasSentBefore) {
  SandboxOutcome out = RunSandboxed(
      [](const SandboxSend& send) {
        send("partial");
        // SIGABRT rather than SIGSEGV: sanitizer runtimes turn SIGSEGV into an exit status.
        ::raise(SIGABRT);
      },
      SandboxLimits{});
  EXPECT_EQ(out.end, End::kSignaled);
  EXPECT_EQ(out.code, SIGABRT);
  EXPECT_EQ(out.last_message, "partial");
  EXPECT_NE(out.detail.find("signal 6"), std::string::npos) << out.detail;
}

TEST(Sandbox, HangIsKilledAtTheTimeLimit) {
  SandboxLimits limits;
  limits.timeout = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  SandboxOutcome out = RunSandboxed(
      [](const SandboxSend& send) {
        send("before the hang");
        for (;;) ::pause();
      },
      limits);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out.end, End::kTimedOut);
  EXPECT_EQ(out.last_message, "before the hang");
  EXPECT_LT(took, milliseconds(3000));
  EXPECT_NE(out.detail.find("timed out"), std::string::npos) << out.detail;
}

TEST(Sandbox, BusyLoopIsKilledToo) {
  SandboxLimits limits;
  limits.timeout = milliseconds(200);
  SandboxOutcome out = RunSandboxed(
      [](const SandboxSend&) {
        volatile unsigned long n = 0;
        for (;;) n = n + 1;
      },
      limits);
  EXPECT_EQ(out.end, End::kTimedOut);
  EXPECT_FALSE(out.last_message);
}

TEST(Sandbox, OversizedMessageIsRefused) {
  SandboxLimits limits;
  limits.max_message_bytes = 1000;
  SandboxOutcome out = RunSandboxed(
      [](const SandboxSend& send) {
        send("ok");
        send(std::string(5000, 'x'));
      },
      limits);
  EXPECT_EQ(out.end, End::kTooMuchOutput);
  EXPECT_EQ(out.last_message, "ok");
}

TEST(Sandbox, ExceptionInTheChildIsAnExitStatus) {
  SandboxOutcome out =
      RunSandboxed([](const SandboxSend&) { throw std::runtime_error("boom"); }, SandboxLimits{});
  EXPECT_EQ(out.end, End::kExited);
  EXPECT_NE(out.code, 0);
}

TEST(Sandbox, ChildCannotWriteFiles) {
  char path[] = "/tmp/evidence-sandbox-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::string p = path;
  SandboxOutcome out = RunSandboxed(
      [&p](const SandboxSend& send) {
        FILE* f = std::fopen(p.c_str(), "w");
        if (f != nullptr) {
          std::fputs("written", f);
          std::fclose(f);
        }
        send("done");
      },
      SandboxLimits{});
  // RLIMIT_FSIZE 0: the write fails (the child may even die of SIGXFSZ).
  FILE* f = std::fopen(path, "r");
  ASSERT_NE(f, nullptr);
  char buf[16] = {};
  std::size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  ::unlink(path);
  EXPECT_EQ(n, 0u) << "child wrote: " << buf << " (" << out.detail << ")";
}

}  // namespace
}  // namespace evidence::metadata_internal
