// What ingest learns about a file before it records it: its kind, media type, capture time and
// metadata. The single place where ingest meets the metadata extractors.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evidence {

struct Description {
  std::string kind = "other";
  std::string media_type = "application/octet-stream";
  std::optional<std::string> captured;
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<std::string> errors;
};

// Never fails; problems are listed in `errors` and the file is still ingested.
Description DescribeFile(const std::filesystem::path& stored_copy, std::string_view name_hint);

}  // namespace evidence
