// The certificate authority file an RFC 3161 time-stamp is checked against (`timestamp attach`
// and `verify-bundle`, docs/timestamps.md): read once, bounded, in one place.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "evidence/status.hpp"

namespace evidence {

// The PEM text of the CA file `path`, checked to hold at least one certificate. The file is read
// only if it is a regular file of at most 1 MiB (a FIFO or device is refused without blocking).
// Errors carry AboutArgument(`argument`), the API name of the option that gave the path.
Result<std::string> ReadTsaCa(const std::filesystem::path& path, std::string_view argument);

}  // namespace evidence
