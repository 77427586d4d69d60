// Check 6 of docs/bundle.md and the incidents: evidence/items.json and evidence/incidents.json are
// conveniences written by the sender, so every field of every element must be what the
// disclosed, signed ledger entries record. One "item" line per exhibit and one "incident" line
// per incident, naming each field that differs.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bundle_verify.hpp"
#include "bundle_verify_records.hpp"
#include "bundle_verify_scan.hpp"

namespace evidence::bundle_internal {

// `manifest` is manifest-sha256.txt (decoded path -> sha256), or null when it did not parse.
// Appends the exhibits of items.json to `exhibits` and, for each item that passes, its signed
// values to `verified`.
void CheckItems(const ScanResult& s, const std::map<std::string, std::string>* manifest,
                const Records& main, BundleReport& report, std::set<std::string>* exhibits,
                std::vector<VerifiedItem>* verified, Checks& c);

// Appends the ids of incidents.json to `ids`.
void CheckIncidents(const ScanResult& s, const Records& main, std::set<std::string>* ids,
                    Checks& c);

}  // namespace evidence::bundle_internal
