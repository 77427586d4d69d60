// SHA-256, the one hash function of libevidence: object ids, Merkle nodes and manifests all use it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256 over OpenSSL's EVP interface. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(ByteView data);
  void Update(std::string_view data) { Update(AsBytes(data)); }
  // Returns the digest and resets the object for a new message.
  Sha256Digest Finish();

  // One-shot helpers.
  static Sha256Digest Of(ByteView data);
  static Sha256Digest Of(std::string_view data) { return Of(AsBytes(data)); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

inline std::string DigestHex(const Sha256Digest& d) { return HexEncode(d); }
// Parses exactly 64 hex digits.
Result<Sha256Digest> DigestFromHex(std::string_view hex);

}  // namespace evidence
EVIDENCE_PUBLIC_END
