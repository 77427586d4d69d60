// Errors of system calls on a path, and writing a whole buffer to a descriptor: shared by every
// module that writes files (the object store, export, the age encryptor).
#pragma once

#include <filesystem>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence {

// Maps an errno from an operation on `path` to a Status: ENOSPC/EDQUOT/EIO/EACCES/EROFS and the
// like are environment failures (kIoError), ENOENT kNotFound, EEXIST kAlreadyExists.
Status ErrnoStatus(int err, const std::filesystem::path& path, std::string_view what);

// Writes all of `data` to `fd` (retrying short writes and EINTR); errors as ErrnoStatus,
// "<path>: cannot write: ...".
Status WriteAll(int fd, ByteView data, const std::filesystem::path& path);

}  // namespace evidence
