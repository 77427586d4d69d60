#include "sandbox_worker.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <thread>

#include "fork_server.hpp"
#include "sandbox_io.hpp"
#include "sanitizer.hpp"

namespace evidence::metadata_internal {

namespace {

// Frames both ways: 8-byte little-endian length, then the bytes. From the child, the first byte
// of a frame says what it is: a message for the parent to keep, or the end of the request.
constexpr char kMessage = 'm';
constexpr char kDone = 'd';
constexpr std::size_t kMaxRequestBytes = 1 << 20;

void EncodeLength(std::uint64_t n, unsigned char out[8]) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(n >> (8 * i));
}

std::uint64_t DecodeLength(const unsigned char* in) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{in[i]} << (8 * i);
  return n;
}

// A frame goes out in one send: every send wakes the reader, and a small-file ingest sent three
// per frame, tens of thousands of wakeups for a few thousand files.
std::string Frame(std::string_view kind, std::string_view payload) {
  std::string frame(8, '\0');
  EncodeLength(kind.size() + payload.size(), reinterpret_cast<unsigned char*>(frame.data()));
  frame += kind;
  frame += payload;
  return frame;
}

bool WriteFrame(int fd, char kind, std::string_view payload) {
  std::string frame = Frame(std::string_view(&kind, 1), payload);
  return WriteAll(fd, frame.data(), frame.size());
}

void SetLimit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit rl {};
  rl.rlim_cur = soft;
  rl.rlim_max = hard;
  (void)::setrlimit(resource, &rl);
}

// CPU seconds this process has used so far, rounded up.
rlim_t CpuSecondsUsed() {
  struct rusage ru {};
  (void)::getrusage(RUSAGE_SELF, &ru);
  return static_cast<rlim_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
}

// The child's loop. `parent` is the process that forked it: the worker's, or its fork server.
[[noreturn]] void Serve(int sock, const SandboxHandler& handler, const SandboxLimits& limits,
                        pid_t parent) {
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(111);
  ::signal(SIGPIPE, SIG_IGN);
  SetLimit(RLIMIT_CORE, 0, 0);
  SetLimit(RLIMIT_FSIZE, 0, 0);
#ifndef EVIDENCE_SANITIZED
  SetLimit(RLIMIT_AS, limits.max_address_space, limits.max_address_space);
#endif
  // CPU: a per-request budget behind the parent's wall-clock limit. The soft limit moves up with
  // each request (SIGXCPU ends the child when one request overruns); the hard limit stays.
  const rlim_t budget = static_cast<rlim_t>(limits.timeout.count() / 1000 + 2);
  struct rlimit cpu {};
  (void)::getrlimit(RLIMIT_CPU, &cpu);
  SandboxSend send = [sock](std::string_view message) {
    if (!WriteFrame(sock, kMessage, message)) ::_exit(112);
  };
  std::string request;
  for (;;) {
    unsigned char len[8];
    // The request's descriptor comes with its first bytes; it is closed when the request ends.
    UniqueFd fd;
    if (!ReadAllWithDescriptor(sock, len, sizeof len, &fd)) ::_exit(0);  // the parent is done
    std::uint64_t n = DecodeLength(len);
    if (n > kMaxRequestBytes) ::_exit(114);
    request.resize(n);
    if (!ReadAll(sock, request.data(), n)) ::_exit(0);
    rlim_t soft = CpuSecondsUsed() + budget;
    if (cpu.rlim_max != RLIM_INFINITY && soft > cpu.rlim_max) ::_exit(115);
    SetLimit(RLIMIT_CPU, soft, cpu.rlim_max);
    try {
      handler(request, fd.get(), send);
    } catch (...) {
      ::_exit(113);
    }
    if (!WriteFrame(sock, kDone, {})) ::_exit(112);
  }
}

std::string SignalText(int sig) {
  const char* name = ::strsignal(sig);
  return "killed by signal " + std::to_string(sig) +
         (name != nullptr ? std::string(" (") + name + ")" : "");
}

}  // namespace

SandboxWorker::SandboxWorker(SandboxHandler handler, SandboxLimits limits, std::size_t max_requests)
    : handler_(std::move(handler)), limits_(limits), max_requests_(max_requests) {}

SandboxWorker::~SandboxWorker() { Stop(); }

bool SandboxWorker::Start(std::string* detail) {
  if (server_ != nullptr && !server_->gone()) {
    std::optional<ForkServer::Child> child = server_->Spawn(detail);
    if (child) {
      Adopt(child->pid, child->sock.release(), /*from_server=*/true);
      return true;
    }
    if (!server_->gone()) return false;  // out of processes there: a fork here would fail alike
  }
  // Without a fork server (a worker never started early, such as RunSandboxed's one request, or
  // one whose fork server has died) the child is forked from this process, maybe while other
  // threads run. That is the lesser evil: a child that inherits a lock held costs one request
  // its answer at the time limit, and the next request gets another child; not forking would
  // cost every request its answer. A new fork server would be no better: it would be forked from
  // the same busy process, and its children would inherit the same locks.
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    *detail = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    *detail = std::string("fork: ") + std::strerror(errno);
    ::close(sv[0]);
    ::close(sv[1]);
    return false;
  }
  if (pid == 0) {
    ::close(sv[0]);
    Serve(sv[1], handler_, limits_, parent);
  }
  ::close(sv[1]);
  Adopt(pid, sv[0], /*from_server=*/false);
  return true;
}

void SandboxWorker::Adopt(pid_t pid, int sock, bool from_server) {
  pid_ = pid;
  pid_from_server_ = from_server;
  sock_ = sock;
  served_ = 0;
  ++started_;
}

void SandboxWorker::StartNow() {
  if (pid_ >= 0) return;
  std::string ignored;
  if (server_ == nullptr) {
    server_ = ForkServer::Start(
        [this](int sock, pid_t parent) { Serve(sock, handler_, limits_, parent); }, &ignored);
  }
  (void)Start(&ignored);
}

void SandboxWorker::KillChild() {
  // A child of the fork server keeps its pid until the server reaps it; once the server is gone
  // (and its children with it, PR_SET_PDEATHSIG), the pid may already be another process's.
  if (pid_from_server_ && server_->gone()) return;
  ::kill(pid_, SIGKILL);
}

pid_t SandboxWorker::WaitChild(int* status, bool block) {
  if (pid_from_server_) return server_->Wait(pid_, status, block);
  pid_t w;
  do {
    w = ::waitpid(pid_, status, block ? 0 : WNOHANG);
  } while (w < 0 && errno == EINTR);
  return w;
}

void SandboxWorker::Stop() {
  if (pid_ < 0) return;
  ::close(sock_);
  sock_ = -1;
  // The child holds nothing worth a clean exit (it only reads, and writes nothing), so it is
  // ended at once rather than waited for.
  KillChild();
  int status = 0;
  (void)WaitChild(&status, true);
  pid_ = -1;
}

void SandboxWorker::Reap(SandboxOutcome* out, bool killed) {
  ::close(sock_);
  sock_ = -1;
  int status = 0;
  pid_t w;
  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;
  for (;;) {
    w = WaitChild(&status, killed);
    if (w == pid_) break;
    // ECHILD: reaped elsewhere (SIGCHLD ignored by the host program), or the fork server died,
    // and its child with it.
    if (w < 0) {
      const bool server_died = pid_from_server_ && server_->gone();
      pid_ = -1;
      if (!killed) {
        out->end = SandboxOutcome::End::kExited;
        out->code = -1;
        out->detail = server_died ? "ended with its fork server" : "ended without answering";
      }
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      KillChild();
      killed = true;
      out->end = SandboxOutcome::End::kTimedOut;
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  pid_ = -1;
  if (killed) return;
  if (WIFSIGNALED(status)) {
    out->end = SandboxOutcome::End::kSignaled;
    out->code = WTERMSIG(status);
    out->detail = SignalText(out->code);
  } else {
    out->end = SandboxOutcome::End::kExited;
    out->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    // A child that exits with 0 before its answer still did not answer.
    if (out->code == 0) out->code = -1;
    out->detail =
        "exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
}

SandboxOutcome SandboxWorker::Call(std::string_view request, int fd) {
  SandboxOutcome out;
  if (request.size() > kMaxRequestBytes) {
    out.detail = "request too large";
    return out;
  }
  if (pid_ >= 0 && served_ >= max_requests_) Stop();
  if (pid_ < 0 && !Start(&out.detail)) return out;
  ++served_;
  std::string frame = Frame({}, request);
  if (!WriteAllWithDescriptor(sock_, frame.data(), frame.size(), fd)) {
    // The child died between requests (killed from outside): its answer is the way it ended.
    Reap(&out, false);
    return out;
  }

  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;
  std::string buffer;
  char chunk[64 * 1024];
  auto kill_child = [&](SandboxOutcome::End why, std::string detail) {
    KillChild();
    out.end = why;
    out.detail = std::move(detail);
    Reap(&out, true);
    return out;
  };
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return kill_child(SandboxOutcome::End::kTimedOut,
                        "timed out after " + std::to_string(limits_.timeout.count()) + " ms");
    }
    struct pollfd p {};
    p.fd = sock_;
    p.events = POLLIN;
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    if (r < 0) {
      return kill_child(SandboxOutcome::End::kTimedOut,
                        std::string("poll: ") + std::strerror(errno));
    }
    ssize_t got = ::read(sock_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {  // the child died mid-request
      Reap(&out, false);
      return out;
    }
    buffer.append(chunk, static_cast<std::size_t>(got));
    while (buffer.size() >= 8) {
      std::uint64_t n = DecodeLength(reinterpret_cast<const unsigned char*>(buffer.data()));
      if (n == 0 || n - 1 > limits_.max_message_bytes) {
        return kill_child(SandboxOutcome::End::kTooMuchOutput, "message larger than the limit");
      }
      if (buffer.size() - 8 < n) break;
      char kind = buffer[8];
      if (kind == kDone) {
        out.end = SandboxOutcome::End::kExited;
        out.code = 0;
        return out;
      }
      out.last_message = buffer.substr(9, n - 1);
      buffer.erase(0, 8 + n);
    }
  }
}

}  // namespace evidence::metadata_internal
