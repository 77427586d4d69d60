// The parts of the metadata module behind ExtractMetadata, for tests and fuzz targets: the
// in-process extraction the child runs, the isolated run with explicit limits, and the JSON form
// that carries a result from the child to the parent.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evidence/metadata.hpp"
#include "evidence/status.hpp"
#include "metadata_util.hpp"
#include "sandbox.hpp"

namespace evidence::metadata_internal {

// Detects, classifies and extracts in the calling process, with no isolation: a parser crash
// or hang here is the caller's. `checkpoint`, when given, receives the result of type detection
// and classification before any parser library runs. Never throws.
Metadata ExtractMetadataInProcess(const RandomAccessFile& file, std::string_view name_hint,
                                  const std::function<void(const Metadata&)>* checkpoint = nullptr);
// The same for the file at `path`; one that cannot be opened gets that error only.
Metadata ExtractMetadataInProcess(const std::filesystem::path& path, std::string_view name_hint,
                                  const std::function<void(const Metadata&)>* checkpoint = nullptr);

// ExtractMetadata with explicit sandbox limits.
Metadata ExtractMetadataIsolated(const std::filesystem::path& path, std::string_view name_hint,
                                 const SandboxLimits& limits);

class SandboxWorker;

// ExtractMetadata for many files with one long-lived sandboxed child instead of a fork per file
// (the same limits per file). A file that kills or hangs the child gets the error, and the next
// file gets a fresh child. Not thread-safe: one extractor per thread.
class MetadataExtractor {
 public:
  explicit MetadataExtractor(const SandboxLimits& limits = SandboxLimits{});
  ~MetadataExtractor();
  MetadataExtractor(const MetadataExtractor&) = delete;
  MetadataExtractor& operator=(const MetadataExtractor&) = delete;
  // The file is opened here, in the calling process; the child reads the descriptor it is
  // handed with the request and never opens a path.
  Metadata Extract(const std::filesystem::path& path, std::string_view name_hint);
  // The same for a file the caller holds open (a sealed memory file with an object's plaintext):
  // the child reads `fd`, which the caller keeps.
  Metadata Extract(int fd, std::string_view name_hint);
  // Starts the child before the first Extract (SandboxWorker::StartNow).
  void StartNow();
  // Children started so far (a crash or a time-out costs a restart).
  std::size_t children_started() const;

 private:
  Metadata Extract(const RandomAccessFile& file, std::string_view name_hint);
  std::unique_ptr<SandboxWorker> worker_;
};

// Loads libmagic's database and sets up Exiv2 and TagLib once per process, so that forked
// children inherit them. Idempotent and thread-safe.
void InitMetadataLibraries();

nlohmann::json MetadataToJson(const Metadata& md);
// kCorruption when `j` is not the shape MetadataToJson produces.
Result<Metadata> MetadataFromJson(const nlohmann::json& j);

// Puts `md` in its contract shape: a known kind, an object of fields without floating-point
// numbers or booleans (turned into strings), clean errors (at most 64).
void NormalizeMetadata(Metadata& md);

}  // namespace evidence::metadata_internal
