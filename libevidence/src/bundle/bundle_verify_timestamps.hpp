// verify-bundle's check of RFC 3161 tokens (docs/verify-bundle.md "Time-stamps"): each
// <prefix>timestamps/<N>.tsr must time-stamp the signed body of <prefix>timestamps/<N>.checkpoint,
// a checkpoint of the same signer and origin, no larger than the records' own checkpoint.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bundle_verify_records.hpp"
#include "evidence/bundle.hpp"
#include "evidence/status.hpp"
#include "key_history.hpp"

namespace evidence::bundle_internal {

// One "timestamp" line per token of each of `records` (the exporter's, then each custody
// folder's), and one BundleTimestamp each in `out`. With `tsa_ca_pem` a token whose TSA
// certificate does not chain to it fails; without, the chain is not checked and the line says so.
// `main_epochs` (the exporter's key history, empty when it never rotated) names the key that must
// have signed an earlier checkpoint of the exporter; other records use their own key.
void CheckTimestamps(const std::map<std::string, std::string>& tag_files,
                     const std::vector<const Records*>& records,
                     const std::vector<KeyEpoch>& main_epochs,
                     const std::optional<std::string>& tsa_ca_pem, Checks& c,
                     std::vector<BundleTimestamp>* out);

}  // namespace evidence::bundle_internal
