// The streaming AEAD's reader (libevidence/src/crypto/stream_aead.hpp) on damaged streams. The
// input picks a plaintext, how the ciphertext is damaged (a flipped bit, a cut, bytes inserted)
// and how both sides are fed (piece sizes): an intact stream must give back exactly its
// plaintext, a damaged one must be refused, and no damaged byte may ever reach the sink beyond
// what its chunk's tag vouched for (the sink never sees more than the plaintext, nor other bytes).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "fuzz_support.hpp"
#include "stream_aead.hpp"

namespace {

namespace ef = evidence::fuzz;
using evidence::Bytes;
using evidence::ByteView;
using evidence::Status;

// Reads the fuzzer's bytes as small numbers, then the rest as the plaintext.
struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::uint32_t Next(std::uint32_t bound) {
    std::uint32_t v = 0;
    for (int i = 0; i < 3 && size > 0; ++i, ++data, --size) v = (v << 8) | *data;
    return bound == 0 ? 0 : v % bound;
  }
};

const evidence::SecretKey& Key() {
  static evidence::SecretKey key = std::move(evidence::SecretKey::Random().value());
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace evidence::stream_aead;
  Input in{data, size};
  const std::uint32_t damage = in.Next(4);  // 0 none, 1 flip, 2 cut, 3 insert
  const std::uint32_t where = in.Next(1u << 20);
  const std::size_t enc_piece = 1 + in.Next(3 * kChunkSize);
  const std::size_t dec_piece = 1 + in.Next(3 * kChunkSize);
  const std::size_t repeat = 1 + in.Next(40);  // plaintexts past a chunk from small inputs
  Bytes plain;
  for (std::size_t r = 0; r < repeat; ++r) plain.insert(plain.end(), in.data, in.data + in.size);
  plain.resize(std::min<std::size_t>(plain.size(), 4 * kChunkSize));
  const Identity identity = evidence::Sha256::Of(ByteView(plain));

  Bytes sealed;
  auto enc = evidence::StreamEncryptor::Start(Key(), [&](ByteView c) {
    sealed.insert(sealed.end(), c.begin(), c.end());
    return Status::Ok();
  });
  if (!enc.ok()) ef::Fail("start: " + enc.status().message());
  for (std::size_t at = 0; at < plain.size(); at += enc_piece) {
    Status s = enc->Update(ByteView(plain).subspan(at, std::min(enc_piece, plain.size() - at)));
    if (!s.ok()) ef::Fail("update: " + s.message());
  }
  if (Status s = enc->Finish(identity); !s.ok()) ef::Fail("finish: " + s.message());
  if (sealed.size() != CiphertextSize(plain.size())) ef::Fail("ciphertext of the wrong length");

  const std::size_t at = where % (sealed.size() + 1);
  bool damaged = true;
  if (damage == 0) {
    damaged = false;
  } else if (damage == 1 && at < sealed.size()) {
    sealed[at] ^= static_cast<std::uint8_t>(1u << (where % 8));
  } else if (damage == 2 && at < sealed.size()) {
    sealed.resize(at);
  } else if (damage == 3) {
    sealed.insert(sealed.begin() + static_cast<std::ptrdiff_t>(at),
                  static_cast<std::uint8_t>(where));
  } else {
    damaged = false;
  }

  Bytes seen;
  evidence::StreamDecryptor dec(Key(), identity, [&](ByteView c) {
    seen.insert(seen.end(), c.begin(), c.end());
    return Status::Ok();
  });
  Status s = Status::Ok();
  for (std::size_t pos = 0; pos < sealed.size() && s.ok(); pos += dec_piece) {
    s = dec.Update(ByteView(sealed).subspan(pos, std::min(dec_piece, sealed.size() - pos)));
  }
  if (s.ok()) s = dec.Finish();
  if (seen.size() > plain.size() || !std::equal(seen.begin(), seen.end(), plain.begin())) {
    ef::Fail("the sink saw bytes that are not the plaintext");
  }
  if (damaged && s.ok()) ef::Fail("a damaged stream was accepted");
  if (!damaged && !s.ok()) ef::Fail("an intact stream was refused: " + s.message());
  if (!damaged && seen != plain) ef::Fail("an intact stream gave other bytes");
  return 0;
}
