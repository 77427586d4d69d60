// The streaming AEAD (libevidence/src/crypto/stream_aead.hpp): what is encrypted comes back byte
// for byte at every size around a chunk boundary, and each kind of damage is refused by name.
#include "stream_aead.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using stream_aead::kChunkSize;
using stream_aead::kHeaderSize;
using stream_aead::kTagSize;

constexpr std::size_t kSealedChunk = kChunkSize + kTagSize;

using stream_aead::Identity;
using stream_aead::kIdentitySize;

// An object's identity, here the SHA-256 of a label.
Identity Id(std::string_view label) { return Sha256::Of(label); }

SecretKey NewKey() { return std::move(SecretKey::Random().value()); }

Bytes Plaintext(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9));
  return b;
}

// Encrypts `plain`, feeding it in pieces of `piece` bytes.
Bytes Encrypt(const SecretKey& key, std::string_view identity, ByteView plain,
              std::size_t piece = 10000) {
  Bytes out;
  auto enc = StreamEncryptor::Start(key, [&](ByteView c) {
    out.insert(out.end(), c.begin(), c.end());
    return Status::Ok();
  });
  EXPECT_TRUE(enc.ok()) << enc.status().message();
  for (std::size_t at = 0; at < plain.size(); at += piece) {
    EXPECT_TRUE(enc->Update(plain.subspan(at, std::min(piece, plain.size() - at))).ok());
  }
  EXPECT_TRUE(enc->Finish(Id(identity)).ok());
  return out;
}

// Decrypts `sealed`, feeding it in pieces of `piece` bytes; `*plain` gets what the sink saw.
Status Decrypt(const SecretKey& key, std::string_view identity, ByteView sealed, Bytes* plain,
               std::size_t piece = 7777) {
  StreamDecryptor dec(key, Id(identity), [&](ByteView c) {
    plain->insert(plain->end(), c.begin(), c.end());
    return Status::Ok();
  });
  for (std::size_t at = 0; at < sealed.size(); at += piece) {
    Status s = dec.Update(sealed.subspan(at, std::min(piece, sealed.size() - at)));
    if (!s.ok()) return s;
  }
  return dec.Finish();
}

Status DecryptStatus(const SecretKey& key, std::string_view identity, ByteView sealed) {
  Bytes ignored;
  return Decrypt(key, identity, sealed, &ignored);
}

class StreamAeadRoundTrip : public ::testing::TestWithParam<std::size_t> {};

TEST_P(StreamAeadRoundTrip, GivesBackThePlaintextAndHasTheComputedLength) {
  SecretKey key = NewKey();
  Bytes plain = Plaintext(GetParam());
  Bytes sealed = Encrypt(key, "object-a", plain);
  EXPECT_EQ(sealed.size(), stream_aead::CiphertextSize(plain.size()));
  Bytes back;
  Status s = Decrypt(key, "object-a", sealed, &back);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(back, plain);
  // The ciphertext in one piece (whole chunks are then opened in place), and a stream made from
  // the plaintext in one piece (whole chunks sealed in place).
  Bytes whole;
  ASSERT_TRUE(Decrypt(key, "object-a", sealed, &whole, sealed.size() + 1).ok());
  EXPECT_EQ(whole, plain);
  Bytes sealed_whole = Encrypt(key, "object-a", plain, plain.size() + 1);
  EXPECT_EQ(sealed_whole.size(), sealed.size());
  Bytes back_whole;
  ASSERT_TRUE(Decrypt(key, "object-a", sealed_whole, &back_whole).ok());
  EXPECT_EQ(back_whole, plain);
}

INSTANTIATE_TEST_SUITE_P(Sizes, StreamAeadRoundTrip,
                         ::testing::Values(0, 1, kChunkSize - 1, kChunkSize, kChunkSize + 1,
                                           3 * kChunkSize, 3 * kChunkSize - 5,
                                           // The identity ends a chunk, or straddles two.
                                           kChunkSize - kIdentitySize,
                                           kChunkSize - kIdentitySize + 1));

TEST(StreamAead, TwoEncryptionsOfTheSameBytesDiffer) {
  SecretKey key = NewKey();
  Bytes plain = Plaintext(100);
  EXPECT_NE(Encrypt(key, "x", plain), Encrypt(key, "x", plain));
}

TEST(StreamAead, CiphertextSizeCountsTheIdentityAndOneTagPerChunk) {
  EXPECT_EQ(stream_aead::CiphertextSize(0), kHeaderSize + kIdentitySize + kTagSize);
  EXPECT_EQ(stream_aead::CiphertextSize(kChunkSize - kIdentitySize), kHeaderSize + kSealedChunk);
  EXPECT_EQ(stream_aead::CiphertextSize(kChunkSize - kIdentitySize + 1),
            kHeaderSize + kSealedChunk + 1 + kTagSize);
}

TEST(StreamAead, FlippedBitNamesTheChunk) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(3 * kChunkSize));
  sealed[kHeaderSize + kSealedChunk + 5] ^= 0x10;
  Bytes seen;
  Status s = Decrypt(key, "a", sealed, &seen);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message().rfind("chunk 1 failed authentication", 0), 0u) << s.message();
  // Only chunk 0, whose tag checked, reached the sink (less the bytes held back in case they are
  // the identity).
  EXPECT_EQ(seen.size(), kChunkSize - kIdentitySize);
}

TEST(StreamAead, FlippedTagBitInTheLastChunkIsRefused) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(10));
  sealed.back() ^= 1;
  Status s = DecryptStatus(key, "a", sealed);
  EXPECT_EQ(s.message().rfind("chunk 0 failed authentication", 0), 0u) << s.message();
}

TEST(StreamAead, ReorderedChunksAreRefused) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(3 * kChunkSize));
  std::swap_ranges(sealed.begin() + kHeaderSize, sealed.begin() + kHeaderSize + kSealedChunk,
                   sealed.begin() + kHeaderSize + kSealedChunk);
  Status s = DecryptStatus(key, "a", sealed);
  EXPECT_EQ(s.message().rfind("chunk 0 failed authentication", 0), 0u) << s.message();
}

TEST(StreamAead, ChunkSwappedFromAnotherObjectWithTheSameKeyIsRefused) {
  SecretKey key = NewKey();
  Bytes a = Encrypt(key, "a", Plaintext(2 * kChunkSize + 3));
  Bytes b = Encrypt(key, "b", Plaintext(2 * kChunkSize + 3));
  std::copy(b.begin() + kHeaderSize + kSealedChunk, b.begin() + kHeaderSize + 2 * kSealedChunk,
            a.begin() + kHeaderSize + kSealedChunk);
  Status s = DecryptStatus(key, "a", a);
  EXPECT_EQ(s.message().rfind("chunk 1 failed authentication", 0), 0u) << s.message();
}

TEST(StreamAead, ChunkOfAnotherObjectUnderTheSameIdentityIsRefused) {
  // Even under the same identity, each object's salt gives it its own key.
  SecretKey key = NewKey();
  Bytes plain = Plaintext(2 * kChunkSize);
  Bytes a = Encrypt(key, "same", plain);
  Bytes b = Encrypt(key, "same", plain);
  std::copy(b.begin() + kHeaderSize, b.begin() + kHeaderSize + kSealedChunk,
            a.begin() + kHeaderSize);
  EXPECT_EQ(DecryptStatus(key, "same", a).code(), StatusCode::kVerificationFailed);
}

TEST(StreamAead, WholeObjectUnderAnotherIdentityIsNamedWithItsOwnIdentity) {
  SecretKey key = NewKey();
  Bytes b = Encrypt(key, "b", Plaintext(kChunkSize + 10));
  StreamDecryptor dec(key, Id("a"), [](ByteView) { return Status::Ok(); });
  ASSERT_TRUE(dec.Update(b).ok());
  Status s = dec.Finish();
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "wrong identity: these are the bytes of " + HexEncode(Id("b")));
  ASSERT_TRUE(dec.other_identity().has_value());
  EXPECT_EQ(*dec.other_identity(), Id("b"));
}

TEST(StreamAead, WrongKeyIsRefusedAtTheFirstChunk) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(50));
  SecretKey other = NewKey();
  EXPECT_EQ(DecryptStatus(other, "a", sealed).message().rfind("chunk 0 failed authentication", 0),
            0u);
}

TEST(StreamAead, MissingLastChunkIsNamedTruncated) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(2 * kChunkSize + 100));
  sealed.resize(kHeaderSize + 2 * kSealedChunk);
  Status s = DecryptStatus(key, "a", sealed);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "truncated: chunk 1 is not the last chunk (the rest is missing)");
}

TEST(StreamAead, CutInsideTheTagIsNamedTruncated) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(kChunkSize + 5));
  sealed.resize(kHeaderSize + kSealedChunk + 3);
  EXPECT_EQ(DecryptStatus(key, "a", sealed).message(),
            "truncated: chunk 1 is shorter than its tag");
}

TEST(StreamAead, HeaderOnlyAndShortHeaderAreNamedTruncated) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", {});
  Bytes header_only(sealed.begin(), sealed.begin() + kHeaderSize);
  EXPECT_EQ(DecryptStatus(key, "a", header_only).message(), "truncated: no chunk");
  Bytes short_header(sealed.begin(), sealed.begin() + 10);
  EXPECT_EQ(DecryptStatus(key, "a", short_header).message(), "truncated header (10 of 40 bytes)");
  EXPECT_EQ(DecryptStatus(key, "a", {}).message(), "truncated header (0 of 40 bytes)");
}

TEST(StreamAead, ExtraBytesAfterTheLastChunkAreNamed) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(kChunkSize - kIdentitySize));
  sealed.push_back(0);
  Status s = DecryptStatus(key, "a", sealed);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "extra bytes after the last chunk (chunk 0)");
}

TEST(StreamAead, AnotherVersionIsUnsupported) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(10));
  sealed[0] = 2;
  Status s = DecryptStatus(key, "a", sealed);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "format version 2 is not supported");
}

TEST(StreamAead, ChangedSaltOrNoncePrefixIsRefused) {
  SecretKey key = NewKey();
  Bytes sealed = Encrypt(key, "a", Plaintext(10));
  Bytes salt = sealed;
  salt[3] ^= 1;
  EXPECT_EQ(DecryptStatus(key, "a", salt).code(), StatusCode::kVerificationFailed);
  Bytes prefix = sealed;
  prefix[kHeaderSize - 1] ^= 1;
  EXPECT_EQ(DecryptStatus(key, "a", prefix).code(), StatusCode::kVerificationFailed);
}

TEST(StreamAead, CallsAfterFinishAreRefused) {
  SecretKey key = NewKey();
  auto enc = StreamEncryptor::Start(key, [](ByteView) { return Status::Ok(); });
  ASSERT_TRUE(enc.ok());
  ASSERT_TRUE(enc->Finish(Id("a")).ok());
  EXPECT_EQ(enc->Update(AsBytes("x")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(enc->Finish(Id("a")).code(), StatusCode::kInvalidArgument);
}

// The format as docs/case-format.md ("Encryption at rest") describes it, read by an independent
// implementation: Python's `cryptography` HKDF and AESGCM, and nothing of ours.
TEST(StreamAead, PythonDecryptsTheDocumentedFormat) {
  constexpr const char* kScript = R"PY(
import hashlib, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
content_key = bytes.fromhex(sys.argv[1])
data = open(sys.argv[2], 'rb').read()
assert data[0] == 1
salt, prefix, body = data[1:33], data[33:40], data[40:]
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
           info=b'evidence object v1').derive(content_key)
size = 65536 + 16
chunks = [body[i:i + size] for i in range(0, len(body), size)]
stream = b''
for i, chunk in enumerate(chunks):
    last = b'\x01' if i == len(chunks) - 1 else b'\x00'
    stream += AESGCM(key).decrypt(prefix + i.to_bytes(4, 'big') + last, chunk, None)
print(hashlib.sha256(stream[:-32]).hexdigest(), stream[-32:].hex())
)PY";
  testing::TempDir dir;
  SecretKey key = NewKey();
  Bytes plain = Plaintext(2 * kChunkSize + 100);
  Bytes sealed = Encrypt(key, "python", plain);
  testing::WriteFile(dir / "stream", std::string(AsChars(sealed)));
  auto r = testing::RunProgram({"python3", "-c", kScript,
                                HexEncode(key.bytes(InsecureSecretKeyAccess::Get())),
                                (dir / "stream").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, DigestHex(Sha256::Of(ByteView(plain))) + " " + HexEncode(Id("python")) + "\n");
}

}  // namespace
}  // namespace evidence
