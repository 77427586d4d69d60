// The items of a case as its signed entries record them: item.ingested, item.metadata and (for the
// note of a received item) bundle.received, folded in ledger order. The `items` table is a cache of
// this fold (docs/case-format.md "Caches"): `verify` compares every column with it, and `list`,
// `show`, the report and `export` read the fold, never the table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "evidence/item.hpp"
#include "evidence/ledger.hpp"

namespace evidence {

class ItemFold {
 public:
  // Takes the next entry in seq order; entries of other actions are ignored. A malformed item
  // entry is described in `problems` (naming the entry) and skipped.
  void Add(const LedgerEntry& entry, std::vector<std::string>* problems);

  // By exhibit id.
  const std::map<std::string, Item>& items() const { return items_; }
  std::map<std::string, Item>& items() { return items_; }
  // Whether the item has an item.metadata entry (its metadata and captured come from it).
  bool has_metadata(const std::string& exhibit) const { return with_metadata_.count(exhibit) > 0; }

  // The items in ledger order.
  std::vector<Item> InOrder() const;

 private:
  std::map<std::string, Item> items_;
  std::map<std::string, bool> with_metadata_;
  std::map<std::string, std::string> received_in_;  // exhibit -> bundle, until its bundle.received
};

// "ex-0001" -> "EX-0001": exhibit ids are upper-case letters, digits and one dash.
std::string CanonicalExhibitId(std::string_view id);

}  // namespace evidence
