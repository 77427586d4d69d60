// How much memory the system can still give without swapping, for code that must decide how much
// plaintext it may hold in memory (store/object_store.cpp, docs/architecture.md, "Plaintext for
// the parsers").
#pragma once

#include <cstdint>
#include <optional>

namespace evidence {

// The kernel's estimate of the memory available for new allocations without swapping
// (`MemAvailable` in /proc/meminfo), in bytes; nullopt where it cannot be read.
std::optional<std::uint64_t> AvailableMemory();

}  // namespace evidence
