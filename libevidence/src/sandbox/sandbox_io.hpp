// Whole-buffer reads and writes on the sandbox's sockets (the worker's socket pairs with its
// children and the control socket of its fork server).
#pragma once

#include <cstddef>

#include "unique_fd.hpp"

namespace evidence::metadata_internal {

// Writes all `n` bytes (retrying after EINTR and short writes); false when the peer is gone. Never
// raises SIGPIPE.
bool WriteAll(int fd, const void* data, std::size_t n);

// Reads exactly `n` bytes; false at end of file (the peer is gone) or on an error.
bool ReadAll(int fd, void* data, std::size_t n);

}  // namespace evidence::metadata_internal
