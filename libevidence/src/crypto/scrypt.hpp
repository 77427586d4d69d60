// scrypt (RFC 7914) through OpenSSL: the one passphrase key derivation of the library, used by the
// sealed key files (passphrase_seal.hpp) and by age's passphrase recipients (age_crypto.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/key_file.hpp"
#include "evidence/status.hpp"

namespace evidence {

// Fills `out` with scrypt(passphrase, salt, params). The caller has bounded `params` (memory
// about 128 * r * n <= kMaxScryptMemory); OpenSSL is allowed a little more than that, since it
// counts its own overhead too. kIoError naming "scrypt" when OpenSSL fails.
Status DeriveScrypt(std::string_view passphrase, ByteView salt, const ScryptParams& params,
                    std::span<std::uint8_t> out);

}  // namespace evidence
