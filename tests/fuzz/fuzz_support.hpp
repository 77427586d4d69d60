// Shared by the libFuzzer targets: the library's parsers read files by path, so each input is put
// in an anonymous in-memory file (memfd) and handed over as /proc/self/fd/N. Nothing of the input
// is written to disk, and the same descriptor is reused for every run.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace evidence::fuzz {

class MemFile {
 public:
  MemFile() {
    fd_ = memfd_create("evidence-fuzz", 0);
    if (fd_ < 0) {
      std::perror("fuzz: memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  ~MemFile() { close(fd_); }

  // Replaces the content with data[0, size) and returns the path that reads it.
  const std::filesystem::path& Set(const std::uint8_t* data, std::size_t size) {
    if (ftruncate(fd_, 0) != 0) Die("ftruncate");
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) Die("pwrite");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  static void Die(const char* what) {
    std::perror(what);
    std::abort();
  }
  int fd_ = -1;
  std::filesystem::path path_;
};

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Stops the run with a message libFuzzer reports as a crash: for properties the target checks
// (a round trip that must hold), not for errors the library reports as values.
[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz: property violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace evidence::fuzz
