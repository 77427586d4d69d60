// The files of tools/app/assets/ as compiled into the binary (cmake/embed_files.cmake writes the
// table). Read them through assets.hpp.
#pragma once

#include <cstddef>

namespace evidence::app {

struct EmbeddedFile {
  const char* name;  // the file name in tools/app/assets/
  const unsigned char* bytes;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace evidence::app
