// Whole-buffer reads and writes on the sandbox's sockets (the worker's socket pairs with its
// children and the control socket of its fork server), and the passing of a descriptor along
// with them (SCM_RIGHTS): the fork server hands over a child's socket, the worker hands a child
// the file it is to read, so that the child never opens a path.
#pragma once

#include <cstddef>

#include "unique_fd.hpp"

namespace evidence::metadata_internal {

// Writes all `n` bytes (retrying after EINTR and short writes); false when the peer is gone. Never
// raises SIGPIPE.
bool WriteAll(int fd, const void* data, std::size_t n);

// Reads exactly `n` bytes; false at end of file (the peer is gone) or on an error.
bool ReadAll(int fd, void* data, std::size_t n);

// WriteAll on the socket `sock`, with `fd` (if >= 0) passed along with the first byte. Requires
// n > 0.
bool WriteAllWithDescriptor(int sock, const void* data, std::size_t n, int fd);

// ReadAll on the socket `sock`; a descriptor passed with the bytes goes to `*fd` (close-on-exec),
// or is closed when `fd` is null. Requires n > 0.
bool ReadAllWithDescriptor(int sock, void* data, std::size_t n, UniqueFd* fd);

}  // namespace evidence::metadata_internal
