// A file's bytes in a sealed memory file, the way ingest hands plaintext to the parsers and the
// describer (docs/architecture.md, "Plaintext for the parsers"), for tests that check a reader
// gives the same result from memory as from the file.
#pragma once

#include <string_view>

#include "unique_fd.hpp"

namespace evidence::testing {

// `bytes` in a sealed memory file; a failure to make it fails the calling test.
UniqueFd MemoryCopyOf(std::string_view bytes);

}  // namespace evidence::testing
