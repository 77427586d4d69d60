// The signing keys of one case in ledger order (docs/case-format.md "Keys and rotation"). The first
// key.added entry introduces the founding key; each later key.added is a rotation that the key it
// replaces has signed (its "endorsement"). A checkpoint of n entries is signed by the key in force
// at n: the key of the last key.added entry among entries [0, n). Pure code: callers supply the
// entries, from a case's database or from a bundle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/signing.hpp"
#include "evidence/status.hpp"

namespace evidence {

struct KeyEpoch {
  std::uint64_t seq = 0;  // of its key.added entry
  std::string name;       // signed-note key name
  PublicKey key;
  std::string fingerprint;                 // SHA256:<hex>
  std::optional<std::string> endorsed_by;  // previous key's fingerprint, for a rotation
};

// The exact text the previous key signs when a key is rotated:
//   "evidence-key-rotation v1\ncase: <uuid>\nnew-key: <vkey>\nprevious-key: <vkey>\n"
// where the keys are signed-note verifier keys (<name>+<key id>+<base64>).
std::string KeyRotationStatement(std::string_view case_uuid, std::string_view new_vkey,
                                 std::string_view previous_vkey);

// Reads the data of the key.added entry `seq`. For the first key (`previous` null) nothing more is
// needed; for a later one the data must carry previous_vkey naming `previous` and an endorsement
// (base64 Ed25519 signature by `previous` over KeyRotationStatement). kCorruption for malformed
// data; kVerificationFailed, naming what, when the endorsement is missing, by another key, or does
// not verify.
Result<KeyEpoch> ReadKeyAdded(std::uint64_t seq, const nlohmann::json& data,
                              std::string_view case_uuid, const KeyEpoch* previous);

// The key that must sign a checkpoint of `size` entries: the last epoch whose key.added entry is
// among entries [0, size). Null when there is none. `epochs` is in seq order.
const KeyEpoch* KeyForSize(const std::vector<KeyEpoch>& epochs, std::uint64_t size);

}  // namespace evidence
