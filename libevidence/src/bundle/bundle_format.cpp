#include "bundle_format.hpp"

#include "bagit.hpp"

namespace evidence::bundle_format {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool IsPayload(std::string_view rel) { return StartsWith(rel, kPayloadDir); }

std::string ItemPayloadPath(const std::string& exhibit, const std::string& raw_name) {
  return std::string(kPayloadDir) + "items/" + exhibit + "/" + bagit::PayloadName(raw_name);
}

std::string CustodyFolder(std::uint64_t k) { return kCustodyDir + std::to_string(k) + "/"; }

std::string TimestampToken(std::uint64_t n) { return kTimestampsDir + std::to_string(n) + ".tsr"; }

std::string TimestampCheckpoint(std::uint64_t n) {
  return kTimestampsDir + std::to_string(n) + ".checkpoint";
}

bool IsCustodyRecord(std::string_view rel) {
  return rel == kLedger || rel == kProofs || rel == kCheckpoint || rel == kSignerPem ||
         rel == kConsistency || rel == kKeys || StartsWith(rel, kTimestampsDir);
}

}  // namespace evidence::bundle_format
