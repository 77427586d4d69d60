// Canonical JSON, the byte encoding of ledger entries (docs/case-format.md): UTF-8, object keys
// sorted by code point, no insignificant whitespace, no floating-point numbers. Two parties that
// hold the same value produce the same bytes, so the bytes can be hashed and signed.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// Serialises `value` canonically. kInvalidArgument if it holds a floating-point number or a string
// that is not valid UTF-8. Strings escape only '"', '\\' and control characters (as \b \f \n \r \t
// or \u00xx); every other character is written as its UTF-8 bytes.
Result<std::string> CanonicalJson(const nlohmann::json& value);

// Parses `text` and requires it to be canonical already (so that its bytes are the ones that would
// be hashed). kCorruption with the reason otherwise.
Result<nlohmann::json> ParseCanonicalJson(std::string_view text);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` with every ill-formed byte sequence replaced by U+FFFD, for display.
std::string LossyUtf8(std::string_view s);

}  // namespace evidence
EVIDENCE_PUBLIC_END
