// What ingest learns about a file before it records it: its kind, media type, capture time and
// metadata. The single place where ingest meets the metadata extractors.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evidence {

namespace metadata_internal {
class MetadataExtractor;
}

struct Description {
  std::string kind = "other";
  std::string media_type = "application/octet-stream";
  std::optional<std::string> captured;
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<std::string> errors;
  // Set by ingest, never by the describer: what every view of the item must show
  // (ingest_warnings.hpp).
  std::vector<std::string> warnings;
};

// Describes stored copies through one long-lived sandboxed extractor (instead of a fork per
// file). Describe never fails: problems are listed in `errors` and the file is still ingested.
// Not thread-safe; one per thread.
class Describer {
 public:
  Describer();
  ~Describer();
  Describer(const Describer&) = delete;
  Describer& operator=(const Describer&) = delete;
  Description Describe(const std::filesystem::path& stored_copy, std::string_view name_hint);
  // The same for a file the caller holds open and keeps (an object's plaintext in a sealed memory
  // file, ObjectStore::Stage): the sandboxed extractor is handed the descriptor, never a path.
  Description Describe(int fd, std::string_view name_hint);
  // Starts the sandboxed extractor now, before the caller starts its threads: a child forked
  // while other threads run can inherit their locks held.
  void StartExtractor();

 private:
  std::unique_ptr<metadata_internal::MetadataExtractor> extractor_;
};

}  // namespace evidence
