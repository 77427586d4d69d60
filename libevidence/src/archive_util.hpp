// The one RAII wrapper family for libarchive handles.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace evidence::arch {

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

using ReadPtr = std::unique_ptr<archive, ReadDeleter>;
using WritePtr = std::unique_ptr<archive, WriteDeleter>;
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

}  // namespace evidence::arch
