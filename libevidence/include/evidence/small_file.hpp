// Reading a small file whole, when the path may have been put there by someone else: a case's
// case.json or key file, a trust anchor, a checkpoint, a TSA certificate, an age identity file.
// Public so that a program using the library (the CLI) reads the files its user names the same
// safe way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The bytes of `path`, a regular file of at most `limit` bytes. A FIFO would block a plain read
// and a link to /dev/zero never end, so the file is opened without blocking, its type checked on
// the open descriptor, and no more than `limit` + 1 bytes are ever read. Errors name the file:
//   kNotFound         "<path>: no such file"
//   kInvalidArgument  "<path>: not a regular file", "<path>: larger than <limit>" (the limit as
//                     "N MiB" when it is a whole number of MiB, else "N bytes"),
//                     "<path>: changed while it was read"
//   kIoError          "<path>: cannot read: <reason>" (permission, I/O error)
Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t limit);

}  // namespace evidence
EVIDENCE_PUBLIC_END
