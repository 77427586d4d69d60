// Byte buffers and their hexadecimal and base64 spellings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Lower-case hexadecimal.
std::string HexEncode(ByteView bytes);
// Accepts upper or lower case; fails on odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);

// Standard base64 (RFC 4648 section 4) with padding.
std::string Base64Encode(ByteView bytes);
// Strict: standard alphabet, padding required, no whitespace.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace evidence
EVIDENCE_PUBLIC_END
