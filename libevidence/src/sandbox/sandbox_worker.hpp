// A long-lived sandboxed child that serves many requests, so that a command over thousands of
// files forks once instead of once per file (RunSandboxed, metadata_sandbox.hpp, is a worker that
// serves one request). The limits: a wall-clock limit per request, a CPU budget per request, an
// address-space limit, no core dumps, no file writes. A child that crashes, hangs or floods costs
// the request it was serving an error; the next request starts a fresh child.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sandbox.hpp"

namespace evidence::metadata_internal {

class ForkServer;

// Runs in the child for each request; reports with `send` (the parent keeps the last message).
// `fd` is the descriptor the request came with, or -1; the child closes it after the request.
using SandboxHandler =
    std::function<void(std::string_view request, int fd, const SandboxSend& send)>;

class SandboxWorker {
 public:
  // `handler` is copied into every child this worker starts. Requests after `max_requests` go
  // to a fresh child, so that what a parser library leaks does not pile up.
  SandboxWorker(SandboxHandler handler, SandboxLimits limits, std::size_t max_requests = 512);
  // Ends the child and reaps it.
  ~SandboxWorker();
  SandboxWorker(const SandboxWorker&) = delete;
  SandboxWorker& operator=(const SandboxWorker&) = delete;

  // Serves one request. kExited with code 0 when the handler returned; otherwise what ended the
  // child (kSignaled, kTimedOut, kTooMuchOutput, kExited with the status of an early exit), or
  // kNotStarted if no child could be started. `fd` (if >= 0) goes to the child with the request
  // (SCM_RIGHTS): a file it reads without opening a path; the caller keeps its own descriptor.
  // Not thread-safe: one worker per thread.
  SandboxOutcome Call(std::string_view request, int fd = -1);

  // Starts the fork server and, through it, the child now rather than at the first Call. Call it
  // while the process has one thread, from a thread that outlives the worker (the fork server
  // dies with the thread that started it). A child forked from a process whose other threads are
  // busy inherits their locks held (POSIX allows only async-signal-safe calls after such a fork;
  // glibc's malloc copes, clang's ASan allocator and other libraries' locks do not), so from then
  // on every child of this worker, a restart after a crash or a rotation after `max_requests`
  // included, is forked by the fork server (fork_server.hpp), never by this process. A worker
  // never started early forks its children itself, as does one whose fork server has died. A
  // failure here is left for Call to report.
  void StartNow();

  // How many children this worker has started (for tests: restarts after a crash).
  std::size_t children_started() const { return started_; }

 private:
  bool Start(std::string* detail);
  // Takes a freshly started child as the current one.
  void Adopt(pid_t pid, int sock, bool from_server);
  void Stop();
  // Reaps the dead or dying child into `out` (end, code, detail).
  void Reap(SandboxOutcome* out, bool killed);
  void KillChild();
  // waitpid for the child, by this process or by the fork server that forked it.
  pid_t WaitChild(int* status, bool block);

  SandboxHandler handler_;
  SandboxLimits limits_;
  std::size_t max_requests_;
  std::unique_ptr<ForkServer> server_;  // set by StartNow
  pid_t pid_ = -1;
  bool pid_from_server_ = false;  // the child was forked by server_, which reaps it
  int sock_ = -1;
  std::size_t served_ = 0;
  std::size_t started_ = 0;
};

}  // namespace evidence::metadata_internal
