// The definitions of evidence/item.hpp.
#include "evidence/item.hpp"

#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"

namespace evidence {

nlohmann::json ItemToJson(const Item& it) {
  nlohmann::json j = {{"exhibit", it.exhibit},
                      {"sha256", DigestHex(it.sha256)},
                      {"size", it.size},
                      {"name", it.name},
                      {"kind", it.kind},
                      {"media_type", it.media_type},
                      {"captured", it.captured ? nlohmann::json(*it.captured) : nlohmann::json()},
                      {"ingested", it.ingested},
                      {"entry", it.entry_seq},
                      {"metadata", it.metadata}};
  if (!IsValidUtf8(it.raw_name)) j["name_hex"] = HexEncode(AsBytes(it.raw_name));
  if (!it.note.empty()) j["note"] = it.note;
  if (it.parent) j["parent"] = *it.parent;
  if (!it.warnings.empty()) j["warnings"] = it.warnings;
  return j;
}

}  // namespace evidence
