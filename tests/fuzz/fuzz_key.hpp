// The fixed Ed25519 key of the checkpoint target and its seeds: notes signed by it in the seed
// corpus reach the signature check instead of stopping at "no signature by key".
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/signing.hpp"

namespace evidence::fuzz {

inline constexpr std::string_view kFuzzKeyName = "fuzz-key";

inline const SigningKey& FuzzKey() {
  static const SigningKey key = [] {
    std::vector<std::uint8_t> seed(SigningKey::kSeedSize, 0x42);
    auto k = SigningKey::FromRawPrivateKey(seed, InsecureSecretKeyAccess::Get());
    if (!k.ok()) std::abort();
    return std::move(*k);
  }();
  return key;
}

}  // namespace evidence::fuzz
