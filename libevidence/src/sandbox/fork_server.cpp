#include "fork_server.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace evidence::metadata_internal {

// The control protocol: fixed-size records between two copies of the same program, so no
// encoding. Each request gets one reply; the server sends nothing unasked.
struct ForkRequest {
  std::int32_t op;
  std::int32_t pid;  // for kWait and kPoll
};
struct ForkReply {
  // kSpawn: the child's pid (its socket comes with the reply); kWait, kPoll: what waitpid returned.
  std::int32_t result;
  std::int32_t status;  // waitpid's raw status, when `result` is a pid
  std::int32_t error;   // errno when `result` is -1
};

namespace {

constexpr std::int32_t kSpawn = 's';
constexpr std::int32_t kWait = 'w';  // waitpid, blocking: the caller has killed the child
constexpr std::int32_t kPoll = 'p';  // waitpid with WNOHANG

// Sends `reply`, with `fd` (if >= 0) passed along as SCM_RIGHTS.
bool SendReply(int control, const ForkReply& reply, int fd) {
  return WriteAllWithDescriptor(control, &reply, sizeof reply, fd);
}

// Reads a reply; a descriptor passed with it goes to `fd` (close-on-exec), or is closed.
bool ReceiveReply(int control, ForkReply* reply, UniqueFd* fd) {
  return ReadAllWithDescriptor(control, reply, sizeof *reply, fd);
}

// The server's loop. It only makes system calls and runs `child_main` in the children it forks:
// it allocates nothing and starts no thread, so it stays as quiet as the moment it was forked.
[[noreturn]] void ServeForks(int control, const ForkServer::ChildMain& child_main, pid_t parent) {
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the parent died before the line above
  // The host program may ignore SIGCHLD, which makes the kernel reap children at once; this
  // process reaps its own, to report how they ended.
  ::signal(SIGCHLD, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);
  const pid_t self = ::getpid();
  for (;;) {
    ForkRequest request{};
    if (!ReadAll(control, &request, sizeof request)) ::_exit(0);  // the worker is done with us
    ForkReply reply{};
    UniqueFd parent_end;
    if (request.op == kSpawn) {
      int sv[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        reply.result = -1;
        reply.error = errno;
      } else {
        pid_t pid = ::fork();
        if (pid == 0) {
          ::close(control);
          ::close(sv[0]);
          child_main(sv[1], self);
          ::_exit(0);
        }
        reply.result = pid;
        reply.error = pid < 0 ? errno : 0;
        ::close(sv[1]);
        if (pid < 0) {
          ::close(sv[0]);
        } else {
          parent_end.reset(sv[0]);
        }
      }
    } else {
      int status = 0;
      pid_t w;
      do {
        w = ::waitpid(request.pid, &status, request.op == kWait ? 0 : WNOHANG);
      } while (w < 0 && errno == EINTR);
      reply.result = w;
      reply.status = status;
      reply.error = w < 0 ? errno : 0;
    }
    if (!SendReply(control, reply, parent_end.get())) ::_exit(0);
  }
}

}  // namespace

std::unique_ptr<ForkServer> ForkServer::Start(ChildMain child_main, std::string* detail) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    *detail = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  UniqueFd ours(sv[0]);
  UniqueFd theirs(sv[1]);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    *detail = std::string("fork: ") + std::strerror(errno);
    return nullptr;
  }
  if (pid == 0) {
    ours.reset();
    ServeForks(theirs.get(), child_main, parent);
  }
  return std::unique_ptr<ForkServer>(new ForkServer(pid, std::move(ours)));
}

ForkServer::~ForkServer() {
  if (control_) Lost();
}

void ForkServer::Lost() {
  control_.reset();
  // Closing our end would end the server only if no other process held a copy of it, and any
  // process forked from this one since (another worker's fork server, a child forked directly)
  // does. The server holds nothing worth a clean exit. Its pid is ours until we reap it.
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

bool ForkServer::gone() {
  if (!control_) return true;
  // The server sends nothing unasked: anything to read, a hang-up or an error means it is gone.
  struct pollfd p {};
  p.fd = control_.get();
  p.events = POLLIN;
  if (::poll(&p, 1, 0) > 0) Lost();
  return !control_;
}

bool ForkServer::Ask(int op, pid_t pid, ForkReply* reply, UniqueFd* fd) {
  if (!control_) return false;
  ForkRequest request{};
  request.op = op;
  request.pid = pid;
  if (WriteAll(control_.get(), &request, sizeof request) &&
      ReceiveReply(control_.get(), reply, fd)) {
    return true;
  }
  Lost();
  return false;
}

std::optional<ForkServer::Child> ForkServer::Spawn(std::string* detail) {
  ForkReply reply{};
  UniqueFd sock;
  if (!Ask(kSpawn, 0, &reply, &sock)) {
    *detail = "the fork server is gone";
    return std::nullopt;
  }
  if (reply.result < 0) {
    *detail = std::string("fork server: ") + std::strerror(reply.error);
    return std::nullopt;
  }
  if (!sock) {  // cannot happen with a working kernel; the child must not be left running
    ::kill(reply.result, SIGKILL);
    int status = 0;
    (void)Wait(reply.result, &status, true);
    *detail = "fork server: no socket for the child";
    return std::nullopt;
  }
  Child child;
  child.pid = reply.result;
  child.sock = std::move(sock);
  return child;
}

pid_t ForkServer::Wait(pid_t pid, int* status, bool block) {
  ForkReply reply{};
  if (!Ask(block ? kWait : kPoll, pid, &reply, nullptr)) {
    errno = ECHILD;
    return -1;
  }
  if (reply.result < 0) {
    errno = reply.error;
  } else {
    *status = reply.status;
  }
  return reply.result;
}

}  // namespace evidence::metadata_internal
