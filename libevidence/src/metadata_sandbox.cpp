#include "metadata_sandbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "sanitizer.hpp"

namespace evidence::metadata_internal {

namespace {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

bool WriteAll(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

void SetLimit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit rl {};
  rl.rlim_cur = soft;
  rl.rlim_max = hard;
  (void)::setrlimit(resource, &rl);
}

[[noreturn]] void RunChild(int write_fd, const std::function<void(const SandboxSend&)>& work,
                           const SandboxLimits& limits, pid_t parent) {
  // Die with the parent, and do not outlive it by a race either.
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(111);
  ::signal(SIGPIPE, SIG_IGN);
  SetLimit(RLIMIT_CORE, 0, 0);
  // CPU seconds: a backstop behind the parent's wall-clock limit.
  rlim_t cpu = static_cast<rlim_t>(limits.timeout.count() / 1000 + 2);
  SetLimit(RLIMIT_CPU, cpu, cpu + 1);
  // The work only reads: any attempt to write a file fails.
  SetLimit(RLIMIT_FSIZE, 0, 0);
#ifndef EVIDENCE_SANITIZED
  SetLimit(RLIMIT_AS, limits.max_address_space, limits.max_address_space);
#endif
  SandboxSend send = [write_fd](std::string_view message) {
    std::uint64_t n = message.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    if (!WriteAll(write_fd, len, sizeof len) || !WriteAll(write_fd, message.data(), n)) {
      ::_exit(112);
    }
  };
  try {
    work(send);
  } catch (...) {
    ::_exit(113);
  }
  ::_exit(0);
}

std::string SignalText(int sig) {
  const char* name = ::strsignal(sig);
  return "killed by signal " + std::to_string(sig) +
         (name != nullptr ? std::string(" (") + name + ")" : "");
}

}  // namespace

SandboxOutcome RunSandboxed(const std::function<void(const SandboxSend&)>& work,
                            const SandboxLimits& limits) {
  SandboxOutcome out;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.detail = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  Fd read_end(fds[0]), write_end(fds[1]);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    out.detail = std::string("fork: ") + std::strerror(errno);
    return out;
  }
  if (pid == 0) {
    read_end.Reset();
    RunChild(write_end.get(), work, limits, parent);
  }
  write_end.Reset();

  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string buffer;
  bool killed = false;
  auto kill_child = [&](SandboxOutcome::End why) {
    ::kill(pid, SIGKILL);
    killed = true;
    out.end = why;
  };
  char chunk[64 * 1024];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill_child(SandboxOutcome::End::kTimedOut);
      break;
    }
    struct pollfd p {};
    p.fd = read_end.get();
    p.events = POLLIN;
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;  // the deadline check above ends the wait
    if (r < 0) {
      kill_child(SandboxOutcome::End::kTimedOut);
      out.detail = std::string("poll: ") + std::strerror(errno);
      break;
    }
    ssize_t got = ::read(read_end.get(), chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // end of file: the child is done (or dead)
    buffer.append(chunk, static_cast<std::size_t>(got));
    // Complete messages: 8-byte little-endian length, then the bytes.
    while (buffer.size() >= 8) {
      std::uint64_t n = 0;
      for (int i = 0; i < 8; ++i)
        n |= std::uint64_t{static_cast<unsigned char>(buffer[i])} << (8 * i);
      if (n > limits.max_message_bytes) {
        kill_child(SandboxOutcome::End::kTooMuchOutput);
        break;
      }
      if (buffer.size() - 8 < n) break;
      out.last_message = buffer.substr(8, n);
      buffer.erase(0, 8 + n);
    }
    if (killed) break;
  }

  // Reap the child. After end of file it exits at once; give it until the deadline, then kill.
  int status = 0;
  while (true) {
    pid_t w = ::waitpid(pid, &status, killed ? 0 : WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      // ECHILD: someone else reaped it (SIGCHLD ignored by the host program).
      if (!killed) out.end = SandboxOutcome::End::kExited;
      return out;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill_child(SandboxOutcome::End::kTimedOut);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (killed) {
    if (out.detail.empty()) {
      out.detail = out.end == SandboxOutcome::End::kTimedOut
                       ? "timed out after " + std::to_string(limits.timeout.count()) + " ms"
                       : "message larger than the limit";
    }
    return out;
  }
  if (WIFSIGNALED(status)) {
    out.end = SandboxOutcome::End::kSignaled;
    out.code = WTERMSIG(status);
    out.detail = SignalText(out.code);
  } else {
    out.end = SandboxOutcome::End::kExited;
    out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (out.code != 0) out.detail = "exited with status " + std::to_string(out.code);
  }
  return out;
}

}  // namespace evidence::metadata_internal
