// The signing key file with a KEK shared across key files: one passphrase typed once opens the
// signing key and the case key (docs/key-file.md, "One unlock"). The public SealSigningKey and
// OpenSigningKey (evidence/key_file.hpp) are these with a KEK of their own.
#pragma once

#include <string>
#include <string_view>

#include "evidence/key_file.hpp"
#include "evidence/signing.hpp"
#include "evidence/status.hpp"
#include "passphrase_seal.hpp"

namespace evidence {

// SealSigningKey under `kek` (its salt and parameters go into the header), or in clear when `kek`
// is null. The errors of SealSigningKey.
Result<std::string> SealSigningKeyWith(const SigningKey& key, std::string_view key_name,
                                       std::string_view case_uuid, const seal::Kek* kek);

// OpenSigningKey, deriving the KEK through `unlocker` (null: no passphrase was given). The errors
// of OpenSigningKey.
Result<SigningKey> OpenSigningKeyWith(std::string_view file_contents,
                                      std::string_view expected_case_uuid,
                                      seal::Unlocker* unlocker);

}  // namespace evidence
