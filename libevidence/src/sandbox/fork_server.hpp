// The fork server ("zygote") of a SandboxWorker: a small single-threaded process that forks the
// worker's sandboxed children on request. A child forked from a process whose other threads are
// running inherits every lock they held at that moment, held for good (POSIX allows only
// async-signal-safe calls after such a fork): glibc's malloc takes its locks across fork, but
// clang's ASan allocator, the dynamic loader, iconv or a parsing library's own mutex do not. The
// fork server is forked once, while the process still has one thread, and it never starts
// another; every child it forks later (a restart after a crash, a rotation after the request
// quota) starts from that quiet copy, whatever the threads of the process are doing by then.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sandbox_io.hpp"

namespace evidence::metadata_internal {

struct ForkReply;  // the control protocol, in fork_server.cpp

class ForkServer {
 public:
  // Runs in each child with its end of its socket pair and the pid of its parent (the server);
  // it never returns into the server's code (it leaves with _exit).
  using ChildMain = std::function<void(int sock, pid_t parent)>;

  struct Child {
    pid_t pid = -1;
    UniqueFd sock;  // the caller's end of the child's socket pair, close-on-exec
  };

  // Forks the server. Call only while the process has one thread: the server, and so every child
  // it forks, is a copy of the process at this moment (`child_main` included). The server dies
  // with the thread that started it (PR_SET_PDEATHSIG), and its children with it. nullptr, with
  // `detail`, when it cannot be started.
  static std::unique_ptr<ForkServer> Start(ChildMain child_main, std::string* detail);

  // Ends the server and reaps it; a child it still has dies with it.
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  // Forks a child. nullopt, with `detail`, when the server could not (socketpair or fork failed
  // there) or is gone (then gone() is true).
  std::optional<Child> Spawn(std::string* detail);

  // waitpid(pid, status, block ? 0 : WNOHANG), done by the server for a child it forked: the
  // pid, 0 while the child runs, or -1 with errno set (ECHILD when the server is gone). A child's
  // pid cannot be reused before the server has reaped it here, so the caller may kill() it until
  // then, as long as the server is not gone.
  pid_t Wait(pid_t pid, int* status, bool block);

  // True once the server has died (a request failed, or this check saw it hang up); it is then
  // reaped, and every child it had has died with it.
  bool gone();

 private:
  ForkServer(pid_t pid, UniqueFd control) : pid_(pid), control_(std::move(control)) {}
  // Sends a request and reads the reply (and the descriptor passed with it, if `fd`); on failure
  // the server is taken for gone.
  bool Ask(int op, pid_t pid, ForkReply* reply, UniqueFd* fd);
  // Ends and reaps the server.
  void Lost();

  pid_t pid_;
  UniqueFd control_;  // empty once the server is gone
};

}  // namespace evidence::metadata_internal
