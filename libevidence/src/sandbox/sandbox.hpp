// Runs a piece of work in a forked child process with a wall-clock limit, CPU and memory limits,
// and no core dumps, and brings back the messages it sends. The metadata module uses it so that
// a hostile file that crashes or hangs a parsing library costs an error line, not the process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace evidence::metadata_internal {

struct SandboxLimits {
  std::chrono::milliseconds timeout{4000};
  // Address-space limit of the child. Not applied in sanitizer builds, whose shadow memory needs
  // terabytes of address space.
  std::uint64_t max_address_space = 2ull << 30;
  // Largest single message the parent accepts.
  std::size_t max_message_bytes = 16u << 20;
};

// Sends one message from the child to the parent. The parent keeps the last complete one, so
// work can report partial results before a risky step.
using SandboxSend = std::function<void(std::string_view)>;

struct SandboxOutcome {
  enum class End {
    kExited,         // the child exited by itself; `code` is its exit status
    kSignaled,       // the child died from signal `code`
    kTimedOut,       // killed at the time limit
    kTooMuchOutput,  // killed for a message over the limit
    kNotStarted,     // pipe or fork failed; `detail` says why; the work did not run
  };
  End end = End::kNotStarted;
  int code = 0;
  std::string detail;  // one line for humans, e.g. "killed by signal 11 (Segmentation fault)"
  std::optional<std::string> last_message;
};

// Runs `work` in a child process. The child never returns into the caller's code: it leaves
// with _exit, so no destructors or atexit handlers of the parent's objects run twice. Must not be
// used for work that needs threads or other resources of the parent beyond its memory image.
SandboxOutcome RunSandboxed(const std::function<void(const SandboxSend&)>& work,
                            const SandboxLimits& limits);

}  // namespace evidence::metadata_internal
