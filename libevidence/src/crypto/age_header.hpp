// The age header (docs/age.md "Header"): the version line, the recipient stanzas and the MAC
// line. Reading is strict: every rule of the spec is checked, and anything else is kCorruption
// "header: line N: ...", or kUnsupported for another version.
#pragma once

#include <string>
#include <vector>

#include "age_crypto.hpp"
#include "age_source.hpp"
#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence::age_internal {

inline constexpr std::string_view kAgeVersionLine = "age-encryption.org/v1\n";

struct Stanza {
  std::string type;
  std::vector<std::string> args;
  Bytes body;
};

struct Header {
  std::vector<Stanza> stanzas;
  // The bytes the MAC covers: from the version line through the "---" of the MAC line.
  std::string mac_input;
  Key32 mac{};
};

// Reads the header from `src`, leaving it at the first byte after the MAC line's newline. Caps
// the header at 1 MiB so a hostile file cannot make us hold more.
Result<Header> ReadHeader(BufferedSource& src);

// The header text up to and including "---" (the MAC covers exactly this).
std::string HeaderWithoutMac(const std::vector<Stanza>& stanzas);

// HMAC-SHA-256 under HKDF(file key, "", "header") over `mac_input`.
Status HeaderMac(ByteView file_key, std::string_view mac_input, Key32* out);

}  // namespace evidence::age_internal
