// The age v1 reader (docs/age.md): header, stanzas, armor and STREAM payload, decrypted with a
// fixed X25519 identity, plus the identity and recipient file parsers on the same bytes. Only
// X25519 is tried: an scrypt stanza could ask for work factor 18 on every input, which is a
// quarter of a GiB and half a second, not a fuzzing speed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "age_fuzz_identity.hpp"
#include "evidence/age.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ef = evidence::fuzz;
  (void)evidence::ParseAgeIdentityFile(ef::AsText(data, size));
  (void)evidence::ParseAgeRecipientsFile(ef::AsText(data, size));

  std::size_t pos = 0;
  auto input = [&](std::span<std::uint8_t> out) -> evidence::Result<std::size_t> {
    std::size_t n = std::min(out.size(), size - pos);
    if (n > 0) std::memcpy(out.data(), data + pos, n);
    pos += n;
    return n;
  };
  auto dec = evidence::AgeDecryptor::Open(input, {ef::AgeFuzzIdentity()});
  if (!dec.ok()) return 0;
  std::size_t total = 0;
  while (true) {
    auto chunk = (*dec)->Next();
    if (!chunk.ok()) return 0;
    if (chunk->empty()) break;
    if (chunk->size() > 64 * 1024) ef::Fail("a chunk larger than 64 KiB");
    total += chunk->size();
  }
  if (total > size) ef::Fail("more plaintext than input");
  return 0;
}
