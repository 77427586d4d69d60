// VerifyBundle with what it proved: besides the report, the values of every disclosed item as
// the signed ledger entries record them, for `receive` to take in (case/receive.cpp). Nothing
// in a VerifiedItem comes from items.json alone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bundle_verify_scan.hpp"
#include "evidence/bundle.hpp"
#include "evidence/hash.hpp"

namespace evidence::bundle_internal {

struct VerifiedItem {
  std::string exhibit;  // checked to be an exhibit id
  std::string path;     // its payload file, relative to the top folder
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  std::string name;                     // display name (valid UTF-8)
  std::optional<std::string> name_hex;  // when the original name is not UTF-8
  std::string raw_name;                 // the original name's exact bytes
  std::string kind;
  std::string media_type;
  std::optional<std::string> captured;
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<std::string> note;
  std::optional<std::string> parent;
  std::uint64_t source_entry = 0;  // seq of its item.ingested entry in the sender's ledger
};

struct VerifiedBundle {
  BundleReport report;
  // Filled only when report.ok(): one per element of items.json, in its order.
  std::vector<VerifiedItem> items;
};

// VerifyBundle (evidence/bundle.hpp), same errors. With a `sink`, every payload member read also
// goes to it (bundle_verify_scan.hpp), and the sink's errors are returned as they are.
Result<VerifiedBundle> VerifyBundleWithItems(const std::filesystem::path& file,
                                             const VerifyBundleOptions& options,
                                             PayloadSink* sink = nullptr);

}  // namespace evidence::bundle_internal
