// What a bundle shows about its case's history beyond one checkpoint: the key rotations among its
// disclosed entries (and so which older keys endorse its signer), and the consistency proofs from
// checkpoints handed out earlier (docs/bundle.md, docs/verify-bundle.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bundle_verify_records.hpp"
#include "key_history.hpp"

namespace evidence::bundle_internal {

// The keys introduced by the proven key.added entries of `r`, in order. Each rotation gets one
// "key" line (its endorsement by the key it replaces); a signer that a proven rotation retired
// before the checkpoint is a "signature" failure. No lines for a case that never rotated.
std::vector<KeyEpoch> CheckKeyHistory(const Records& r, Checks& c);

// When the signer is not the trusted key: "signer X endorsed by trusted key T (entry seq N)" if
// a chain of proven rotations leads from `trusted_fingerprint` to `signer_fingerprint`.
std::optional<std::string> Endorsement(const std::vector<KeyEpoch>& epochs,
                                       const std::string& trusted_fingerprint,
                                       const std::string& signer_fingerprint);

struct CarriedProof {
  std::uint64_t from_size = 0;
  Sha256Digest from_root{};
  bool verified = false;
  std::string problem;  // why it does not verify
};

// evidence/consistency.json, if present: each proof must lead from its (from_size, from_root) to
// the verified checkpoint. One "consistency" line each.
std::vector<CarriedProof> CheckConsistencyProofs(const std::map<std::string, std::string>& files,
                                                 const Records& main, Checks& c);

// --since-checkpoint: the older checkpoint is this case's, signed by the key in force at its size,
// not larger than the bundle's, and a carried proof from exactly it verifies.
void CheckSinceCheckpoint(const std::string& note, const std::string& option, const Records& main,
                          const std::vector<KeyEpoch>& epochs,
                          const std::vector<CarriedProof>& proofs, Checks& c);

}  // namespace evidence::bundle_internal
