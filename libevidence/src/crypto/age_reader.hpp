// Decrypting an age file as a stream (docs/age.md "Payload"): the state behind AgeDecryptor,
// with the class of each failure as the age testkit names them, so tests can hold every vector
// to its expected outcome.
#pragma once

#include <memory>
#include <vector>

#include "age_crypto.hpp"
#include "age_keys.hpp"
#include "age_source.hpp"
#include "evidence/age.hpp"

namespace evidence {
namespace age_internal {

enum class Failure { kNone, kNoMatch, kHmac, kHeader, kPayload, kArmor, kInput };

inline constexpr std::size_t kChunkSize = 64 * 1024;

}  // namespace age_internal

struct AgeDecryptor::Impl {
  std::unique_ptr<age_internal::BufferedSource> raw;
  std::unique_ptr<age_internal::ArmorDecoder> armor;
  std::unique_ptr<age_internal::BufferedSource> decoded;  // over `armor`, when armored
  age_internal::BufferedSource* src = nullptr;            // raw or decoded
  age_internal::Key32 payload_key{};
  std::uint64_t chunk = 0;  // chunks handed out so far
  bool done = false;
  age_internal::Failure failure = age_internal::Failure::kNone;
  Bytes in;
  Bytes out;

  Result<ByteView> Next();
  ~Impl();

 private:
  Status Fail(age_internal::Failure kind, Status status);
  Result<ByteView> Open(bool last, std::size_t n, bool* ok);
};

namespace age_internal {

// AgeDecryptor::Open with the failure class in *failure. The input is armored when it starts
// with "-----" after whitespace, or always with `armored` (the testkit marks armored files that
// begin with garbage, which must fail as armor).
Result<std::unique_ptr<AgeDecryptor::Impl>> OpenReader(AgeDecryptor::Input input,
                                                       const std::vector<AgeIdentity>& identities,
                                                       Failure* failure, bool armored = false);

}  // namespace age_internal
}  // namespace evidence
