// The private side of evidence/small_file.hpp: how its messages write a size limit.
#pragma once

#include <cstddef>
#include <string>

#include "evidence/small_file.hpp"

namespace evidence {

// "1 MiB", "65536 bytes": a size limit as ReadSmallFile's messages write it.
std::string SizeLimitText(std::size_t limit);

}  // namespace evidence
