#include "available_memory.hpp"

#include <fstream>
#include <string>

namespace evidence {

std::optional<std::uint64_t> AvailableMemory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024;
    std::getline(meminfo, unit);  // the rest of the line ("kB")
  }
  return std::nullopt;
}

}  // namespace evidence
