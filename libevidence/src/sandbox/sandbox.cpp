#include "sandbox.hpp"

#include "sandbox_worker.hpp"

namespace evidence::metadata_internal {

// A worker that serves one request: the same child setup, limits, framing and reaping as the
// long-lived extractor, so that there is one implementation of the sandbox to trust.
SandboxOutcome RunSandboxed(const std::function<void(const SandboxSend&)>& work,
                            const SandboxLimits& limits) {
  SandboxWorker worker([&work](std::string_view, int, const SandboxSend& send) { work(send); },
                       limits,
                       /*max_requests=*/1);
  return worker.Call({});
}

}  // namespace evidence::metadata_internal
