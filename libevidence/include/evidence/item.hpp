// An item of evidence as the signed ledger records it: what `list` and `show` display, what a
// bundle's items.json carries. The store folds it from the item entries (src/store/item_fold.hpp);
// Case::Items and Case::GetItem return it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/hash.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

struct Item {
  std::string exhibit;
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  std::string raw_name;  // the original file name's exact bytes (may be non-UTF-8)
  std::string name;      // the same, displayable (invalid UTF-8 replaced by U+FFFD)
  std::string kind;
  std::string media_type;
  std::optional<std::string> captured;
  std::string ingested;
  std::string note;
  std::optional<std::string> parent;
  std::uint64_t entry_seq = 0;
  nlohmann::json metadata = nlohmann::json::object();
  // From the signed item.metadata entry: what every view of the item must show, such as a
  // message export that yielded no message or was only partly read (docs/messages.md, "Never
  // silent"). Empty for most items.
  std::vector<std::string> warnings;
};

// The JSON form used by `list --json` and a bundle's items.json (without `path`).
nlohmann::json ItemToJson(const Item& item);

}  // namespace evidence
EVIDENCE_PUBLIC_END
