// The primitives age is built from, on OpenSSL 3: HKDF-SHA-256, HMAC-SHA-256,
// ChaCha20-Poly1305, X25519 and scrypt. Each failure is a Status with OpenSSL's reason.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence::age_internal {

using Key32 = std::array<std::uint8_t, 32>;
using Nonce12 = std::array<std::uint8_t, 12>;
inline constexpr std::size_t kTagSize = 16;

Status Hkdf(ByteView ikm, ByteView salt, std::string_view info, Key32* out);
Status HmacSha256(ByteView key, ByteView data, Key32* out);

// ciphertext || tag.
Result<Bytes> ChaChaSeal(const Key32& key, const Nonce12& nonce, ByteView plaintext);
// Writes plaintext (ciphertext.size() - 16 bytes) to `out`; false when the tag does not match.
// Requires ciphertext.size() >= 16.
Result<bool> ChaChaOpen(const Key32& key, const Nonce12& nonce, ByteView ciphertext,
                        std::uint8_t* out);

// X25519(scalar, point); nullopt when the result is all zeros (a low-order point), which age
// refuses.
Result<std::optional<Key32>> X25519(const Key32& scalar, const Key32& point);
// X25519(scalar, basepoint).
Result<Key32> X25519Public(const Key32& scalar);

// scrypt with r = 8, p = 1 and N = 2^log_n. Requires 128 * 8 * 2^log_n <= kMaxScryptMemory.
Status Scrypt(std::string_view passphrase, ByteView salt, int log_n, Key32* out);

Status RandomBytes(std::uint8_t* out, std::size_t size);

}  // namespace evidence::age_internal
