#include "memory_copy.hpp"

#include <gtest/gtest.h>

#include "evidence/bytes.hpp"
#include "memory_file.hpp"

namespace evidence::testing {

UniqueFd MemoryCopyOf(std::string_view bytes) {
  auto copy = MemoryFile::Create();
  EXPECT_TRUE(copy.ok()) << copy.status().ToString();
  if (!copy.ok()) return UniqueFd();
  EXPECT_TRUE(copy->Append(AsBytes(bytes)).ok());
  auto fd = copy->Seal();
  EXPECT_TRUE(fd.ok()) << fd.status().ToString();
  if (!fd.ok()) return UniqueFd();
  return std::move(*fd);
}

}  // namespace evidence::testing
