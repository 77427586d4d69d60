// Testing only: substitutes the file system of every case created or opened while an override is
// alive, so fault-injection tests (tests/faults) can fail the Nth write, fsync or rename, or drop
// unsynced data. Private to the library and its tests; no production code may create one.
#pragma once

#include "file_system.hpp"

namespace evidence {

// While alive, FileSystem::Default() returns `fs`. A Case keeps the file system it was opened
// with, so the override must outlive every Case opened under it. Overrides nest (the previous one
// comes back on destruction) but are process-wide: tests that use one must not run commands on
// other threads at the same time.
class ScopedFileSystemOverride {
 public:
  explicit ScopedFileSystemOverride(FileSystem& fs);
  ~ScopedFileSystemOverride();
  ScopedFileSystemOverride(const ScopedFileSystemOverride&) = delete;
  ScopedFileSystemOverride& operator=(const ScopedFileSystemOverride&) = delete;

 private:
  FileSystem* previous_;
};

}  // namespace evidence
