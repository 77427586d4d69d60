#include "key_history.hpp"

#include "evidence/bytes.hpp"
#include "evidence/checkpoint.hpp"
#include "ledger_payloads.hpp"
#include "status_macros.hpp"

namespace evidence {

std::string KeyRotationStatement(std::string_view case_uuid, std::string_view new_vkey,
                                 std::string_view previous_vkey) {
  std::string s = "evidence-key-rotation v1\n";
  s += "case: " + std::string(case_uuid) + "\n";
  s += "new-key: " + std::string(new_vkey) + "\n";
  s += "previous-key: " + std::string(previous_vkey) + "\n";
  return s;
}

Result<KeyEpoch> ReadKeyAdded(std::uint64_t seq, const nlohmann::json& data,
                              std::string_view case_uuid, const KeyEpoch* previous) {
  const std::string where = "entry " + std::to_string(seq) + " (key.added)";
  EVIDENCE_ASSIGN_OR_RETURN(payload::KeyAdded added,
                            payload::ParseAs<payload::KeyAdded>(seq, data));
  auto parsed = ParseVerifierKey(added.vkey);
  if (!parsed.ok()) return Status::Corruption(where + ": " + parsed.status().message());
  KeyEpoch epoch{seq, parsed->first, parsed->second, parsed->second.Fingerprint(), std::nullopt};
  if (added.public_key != Base64Encode(epoch.key.raw())) {
    return Status::Corruption(where + ": public_key and vkey name different keys");
  }
  if (added.fingerprint != epoch.fingerprint) {
    return Status::Corruption(where + ": fingerprint and vkey name different keys");
  }
  if (previous == nullptr) return epoch;

  // A rotation: the key it replaces must have signed it.
  const auto& previous_vkey = added.previous_vkey;
  const auto& endorsement = added.endorsement;
  if (!previous_vkey || !endorsement) {
    return Status::VerificationFailed(where + ": introduces key " + epoch.fingerprint +
                                      " without an endorsement by the key in force, " +
                                      previous->fingerprint);
  }
  auto prev = ParseVerifierKey(*previous_vkey);
  if (!prev.ok() || !(prev->second == previous->key)) {
    return Status::VerificationFailed(where +
                                      ": is endorsed by a key other than the one in force (" +
                                      previous->fingerprint + ")");
  }
  auto sig = Base64Decode(*endorsement);
  if (!sig.ok()) return Status::Corruption(where + ": endorsement is not base64");
  std::string statement = KeyRotationStatement(case_uuid, added.vkey, *previous_vkey);
  if (Status st = previous->key.Verify(AsBytes(statement), *sig); !st.ok()) {
    return Status::VerificationFailed(where + ": the endorsement by " + previous->fingerprint +
                                      " does not verify: " + st.message());
  }
  epoch.endorsed_by = previous->fingerprint;
  return epoch;
}

const KeyEpoch* KeyForSize(const std::vector<KeyEpoch>& epochs, std::uint64_t size) {
  const KeyEpoch* found = nullptr;
  for (const auto& e : epochs) {
    if (e.seq < size) found = &e;
  }
  return found;
}

}  // namespace evidence
