// The text encodings of the age format (docs/age.md): bech32 for recipients and identities, and
// the strict base64 of stanzas (unpadded) and of the ASCII armor (padded). Decoders accept only
// the canonical form, because age refuses a file that another encoding of the same bytes could
// pass for. Pure code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "evidence/bytes.hpp"

namespace evidence::age_internal {

// BIP 173 bech32 (not bech32m) without the 90-character limit, as age uses it. `hrp` is lower
// case; the output is lower case (age writes secret keys in upper case: the caller converts).
std::string Bech32Encode(std::string_view hrp, ByteView data);

struct Bech32Data {
  std::string hrp;  // lower case
  Bytes data;
};
// Accepts all-lower or all-upper text; nullopt for mixed case, a bad checksum, a character
// outside the alphabet or non-zero padding bits.
std::optional<Bech32Data> Bech32Decode(std::string_view text);

// Standard alphabet, no padding (stanza arguments, bodies and the header MAC).
std::string Base64EncodeRaw(ByteView data);
// nullopt for padding, a character outside the alphabet, a length of 1 mod 4 or non-zero unused
// bits: only the one canonical spelling of some bytes decodes.
std::optional<Bytes> Base64DecodeRaw(std::string_view text);
// Standard alphabet with padding, canonical (the armor's lines).
std::optional<Bytes> Base64DecodePadded(std::string_view text);

}  // namespace evidence::age_internal
