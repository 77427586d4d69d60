#include "stream_aead.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "status_macros.hpp"

namespace evidence {

namespace stream_aead {

std::uint64_t CiphertextSize(std::uint64_t plaintext_size) {
  const std::uint64_t stream = plaintext_size + kIdentitySize;
  const std::uint64_t chunks = (stream + kChunkSize - 1) / kChunkSize;
  return kHeaderSize + stream + chunks * kTagSize;
}

}  // namespace stream_aead

namespace {

using namespace stream_aead;

using Nonce = std::array<std::uint8_t, 12>;
using Salt = std::array<std::uint8_t, kSaltSize>;
// 2^32 chunks of 64 KiB (256 TiB): the counter's 4 bytes must never wrap.
constexpr std::uint64_t kMaxChunks = std::uint64_t{1} << 32;

Nonce ChunkNonce(const std::uint8_t* prefix, std::uint64_t counter, bool last) {
  Nonce n{};
  std::memcpy(n.data(), prefix, kNoncePrefixSize);
  n[7] = static_cast<std::uint8_t>(counter >> 24);
  n[8] = static_cast<std::uint8_t>(counter >> 16);
  n[9] = static_cast<std::uint8_t>(counter >> 8);
  n[10] = static_cast<std::uint8_t>(counter);
  n[11] = last ? 1 : 0;
  return n;
}

Status OpenSslError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + ossl::DrainErrors());
}

constexpr std::string_view kObjectKeyInfo = "evidence object v1";

// The object's own AES-GCM context: its key derived from the content key and the header's salt.
Result<ossl::CipherCtxPtr> ObjectCipher(const SecretKey& content_key, const Salt& salt,
                                        bool encrypt) {
  EVIDENCE_ASSIGN_OR_RETURN(
      SecretKey key,
      HkdfSha256(content_key.bytes(InsecureSecretKeyAccess::Get()), salt, AsBytes(kObjectKeyInfo)));
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  const std::uint8_t* k = key.bytes(InsecureSecretKeyAccess::Get()).data();
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, nullptr, encrypt ? 1 : 0) != 1) {
    return OpenSslError("stream cipher");
  }
  return ctx;
}

}  // namespace

// Sealed chunks are gathered into about 1 MiB before they go to the sink: a file written 64 KiB
// at a time costs sixteen times the system calls.
constexpr std::size_t kChunksPerWrite = 16;
constexpr std::size_t kWriteBytes = kChunksPerWrite * (kChunkSize + kTagSize);

struct StreamEncryptor::Impl {
  ossl::CipherCtxPtr ctx;
  Sink sink;
  std::array<std::uint8_t, kNoncePrefixSize> prefix{};
  std::uint64_t counter = 0;
  Bytes plain = Bytes(kChunkSize);
  std::size_t have = 0;
  // Grown as chunks arrive, up to kWriteBytes: most evidence files are far smaller than 1 MiB, and
  // an ingest of 20,000 of them would otherwise allocate and zero-fill 20 GiB it never uses.
  Bytes out;
  std::size_t out_have = 0;
  bool done = false;

  ~Impl() { OPENSSL_cleanse(plain.data(), plain.size()); }

  Status Flush() {
    if (out_have == 0) return Status::Ok();
    Status s = sink(ByteView(out.data(), out_have));
    out_have = 0;
    return s;
  }

  // Seals `n` bytes at `src` as the next chunk.
  Status Seal(const std::uint8_t* src, std::size_t n, bool last) {
    if (counter >= kMaxChunks) return Status::InvalidArgument("stream encrypt: object too large");
    if (out_have + n + kTagSize > kWriteBytes) EVIDENCE_RETURN_IF_ERROR(Flush());
    if (out_have + n + kTagSize > out.size()) {
      out.resize(std::min(kWriteBytes, std::max(2 * out.size(), out_have + n + kTagSize)));
    }
    std::uint8_t* dst = out.data() + out_have;
    Nonce nonce = ChunkNonce(prefix.data(), counter, last);
    int len = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len, src, static_cast<int>(n)) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), dst + len, &fin) != 1 ||
        static_cast<std::size_t>(len + fin) != n ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), dst + n) !=
            1) {
      return OpenSslError("stream encrypt");
    }
    ++counter;
    out_have += n + kTagSize;
    return last ? Flush() : Status::Ok();
  }

  Status Update(ByteView plaintext) {
    while (!plaintext.empty()) {
      // A full chunk is sealed only once more plaintext arrives: the last chunk may be full too,
      // and only Finish knows it is the last.
      if (have == kChunkSize) {
        EVIDENCE_RETURN_IF_ERROR(Seal(plain.data(), kChunkSize, /*last=*/false));
        have = 0;
      }
      // Whole chunks with more to follow are sealed straight from the caller's bytes.
      if (have == 0 && plaintext.size() > kChunkSize) {
        EVIDENCE_RETURN_IF_ERROR(Seal(plaintext.data(), kChunkSize, /*last=*/false));
        plaintext = plaintext.subspan(kChunkSize);
        continue;
      }
      std::size_t n = std::min(plaintext.size(), kChunkSize - have);
      std::memcpy(plain.data() + have, plaintext.data(), n);
      have += n;
      plaintext = plaintext.subspan(n);
    }
    return Status::Ok();
  }
};

StreamEncryptor::StreamEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamEncryptor::StreamEncryptor(StreamEncryptor&&) noexcept = default;
StreamEncryptor& StreamEncryptor::operator=(StreamEncryptor&&) noexcept = default;
StreamEncryptor::~StreamEncryptor() = default;

Result<StreamEncryptor> StreamEncryptor::Start(const SecretKey& key, Sink sink) {
  auto impl = std::make_unique<Impl>();
  std::array<std::uint8_t, kHeaderSize> header{};
  header[0] = kVersion;
  if (RAND_bytes(header.data() + 1, static_cast<int>(kHeaderSize - 1)) != 1) {
    return OpenSslError("stream encrypt: random bytes");
  }
  Salt salt{};
  std::memcpy(salt.data(), header.data() + 1, kSaltSize);
  std::memcpy(impl->prefix.data(), header.data() + 1 + kSaltSize, kNoncePrefixSize);
  EVIDENCE_ASSIGN_OR_RETURN(impl->ctx, ObjectCipher(key, salt, /*encrypt=*/true));
  impl->sink = std::move(sink);
  EVIDENCE_RETURN_IF_ERROR(impl->sink(header));
  return StreamEncryptor(std::move(impl));
}

Status StreamEncryptor::Update(ByteView plaintext) {
  if (!impl_ || impl_->done) return Status::InvalidArgument("stream encrypt: already finished");
  Status s = impl_->Update(plaintext);
  if (!s.ok()) impl_->done = true;
  return s;
}

Status StreamEncryptor::Finish(const Identity& identity) {
  EVIDENCE_RETURN_IF_ERROR(Update(identity));
  impl_->done = true;
  return impl_->Seal(impl_->plain.data(), impl_->have, /*last=*/true);
}

struct StreamDecryptor::Impl {
  const SecretKey* key;
  Identity identity{};
  Sink sink;
  ossl::CipherCtxPtr ctx;  // set once the header is complete
  std::array<std::uint8_t, kHeaderSize> header{};
  std::size_t header_have = 0;
  std::uint64_t counter = 0;
  Bytes sealed = Bytes(kChunkSize + kTagSize);
  std::size_t have = 0;
  // Decrypted chunks land at kIdentitySize; the last kIdentitySize bytes of the stream seen so far
  // are held back just before them, since the final ones are the identity, not plaintext.
  Bytes plain = Bytes(kIdentitySize + kChunkSize);
  std::array<std::uint8_t, kIdentitySize> held{};
  std::size_t held_size = 0;
  std::optional<Identity> other;
  Status failed = Status::Ok();
  bool done = false;

  ~Impl() {
    OPENSSL_cleanse(plain.data(), plain.size());
    OPENSSL_cleanse(held.data(), held.size());
  }

  std::string Chunk() const { return "chunk " + std::to_string(counter); }

  // Opens the `size` bytes at `src` as the next chunk with the given last flag; false if its tag
  // does not check.
  Result<bool> TryOpen(const std::uint8_t* src, std::size_t size, bool last) {
    Nonce nonce = ChunkNonce(header.data() + 1 + kSaltSize, counter, last);
    const std::size_t body = size - kTagSize;
    std::uint8_t* out = plain.data() + kIdentitySize;
    int len = 0;
    int fin = 0;
    if (EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce.data()) != 1 ||
        EVP_DecryptUpdate(ctx.get(), out, &len, src, static_cast<int>(body)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                            const_cast<std::uint8_t*>(src) + body) != 1) {
      return OpenSslError("stream decrypt");
    }
    if (EVP_DecryptFinal_ex(ctx.get(), out + len, &fin) != 1) {
      ERR_clear_error();
      return false;
    }
    return true;
  }

  Status AuthenticationFailed() const {
    return Status::VerificationFailed(Chunk() +
                                      " failed authentication (a changed byte, chunks reordered, "
                                      "a chunk of another object, or the wrong key)");
  }

  // Hands on the `n` bytes just decrypted, less the last kIdentitySize bytes of the stream so far.
  Status Emit(std::size_t n) {
    std::uint8_t* start = plain.data() + kIdentitySize - held_size;
    std::memcpy(start, held.data(), held_size);
    const std::size_t total = held_size + n;
    const std::size_t keep = std::min(total, kIdentitySize);
    std::memcpy(held.data(), start + total - keep, keep);
    held_size = keep;
    if (total == keep) return Status::Ok();
    return sink(ByteView(start, total - keep));
  }

  // Opens the `size` bytes at `src` as the next chunk and hands its plaintext on. A chunk that
  // fails under its expected flag is tried under the other one only to name the damage: a stream
  // cut at a chunk boundary, or a last chunk followed by more.
  Status Open(const std::uint8_t* src, std::size_t size, bool last) {
    if (counter >= kMaxChunks) {
      return Status::VerificationFailed("more chunks than the format allows");
    }
    EVIDENCE_ASSIGN_OR_RETURN(bool ok, TryOpen(src, size, last));
    if (!ok) {
      if (size != kChunkSize + kTagSize) return AuthenticationFailed();
      EVIDENCE_ASSIGN_OR_RETURN(bool other_flag, TryOpen(src, size, !last));
      if (!other_flag) return AuthenticationFailed();
      if (last) {
        return Status::VerificationFailed("truncated: " + Chunk() +
                                          " is not the last chunk (the rest is missing)");
      }
      return Status::VerificationFailed("extra bytes after the last chunk (" + Chunk() + ")");
    }
    ++counter;
    return Emit(size - kTagSize);
  }

  Status Header() {
    if (header[0] != kVersion) {
      return Status::Unsupported("format version " + std::to_string(header[0]) +
                                 " is not supported");
    }
    if (header_have < kHeaderSize) return Status::Ok();
    Salt salt{};
    std::memcpy(salt.data(), header.data() + 1, kSaltSize);
    EVIDENCE_ASSIGN_OR_RETURN(ctx, ObjectCipher(*key, salt, /*encrypt=*/false));
    return Status::Ok();
  }

  Status Update(ByteView in) {
    while (!in.empty() && header_have < kHeaderSize) {
      std::size_t n = std::min(in.size(), kHeaderSize - header_have);
      std::memcpy(header.data() + header_have, in.data(), n);
      header_have += n;
      in = in.subspan(n);
      EVIDENCE_RETURN_IF_ERROR(Header());
    }
    while (!in.empty()) {
      // A full buffer is a middle chunk only once more bytes follow it.
      if (have == sealed.size()) {
        EVIDENCE_RETURN_IF_ERROR(Open(sealed.data(), have, /*last=*/false));
        have = 0;
      }
      // Whole chunks with more to follow are opened straight from the caller's bytes.
      if (have == 0 && in.size() > sealed.size()) {
        EVIDENCE_RETURN_IF_ERROR(Open(in.data(), sealed.size(), /*last=*/false));
        in = in.subspan(sealed.size());
        continue;
      }
      std::size_t n = std::min(in.size(), sealed.size() - have);
      std::memcpy(sealed.data() + have, in.data(), n);
      have += n;
      in = in.subspan(n);
    }
    return Status::Ok();
  }

  Status Finish() {
    if (header_have < kHeaderSize) {
      return Status::VerificationFailed("truncated header (" + std::to_string(header_have) +
                                        " of " + std::to_string(kHeaderSize) + " bytes)");
    }
    if (have <= kTagSize) {
      if (have == 0 && counter == 0) return Status::VerificationFailed("truncated: no chunk");
      return Status::VerificationFailed("truncated: " + Chunk() + " is shorter than its tag");
    }
    EVIDENCE_RETURN_IF_ERROR(Open(sealed.data(), have, /*last=*/true));
    // Only an authentic stream gets here, so a short or different identity was sealed by someone
    // holding the key: it is another object's stream.
    if (held_size != kIdentitySize) {
      return Status::VerificationFailed("truncated: the stream is shorter than its identity");
    }
    if (std::memcmp(held.data(), identity.data(), kIdentitySize) != 0) {
      other.emplace();
      std::memcpy(other->data(), held.data(), kIdentitySize);
      return Status::VerificationFailed("wrong identity: these are the bytes of " +
                                        HexEncode(*other));
    }
    return Status::Ok();
  }
};

StreamDecryptor::StreamDecryptor(const SecretKey& key, const Identity& identity, Sink sink)
    : impl_(std::make_unique<Impl>()) {
  impl_->key = &key;
  impl_->identity = identity;
  impl_->sink = std::move(sink);
}
StreamDecryptor::StreamDecryptor(StreamDecryptor&&) noexcept = default;
StreamDecryptor& StreamDecryptor::operator=(StreamDecryptor&&) noexcept = default;
StreamDecryptor::~StreamDecryptor() = default;

Status StreamDecryptor::Update(ByteView ciphertext) {
  if (!impl_->failed.ok()) return impl_->failed;
  if (impl_->done) return Status::InvalidArgument("stream decrypt: already finished");
  impl_->failed = impl_->Update(ciphertext);
  return impl_->failed;
}

Status StreamDecryptor::Finish() {
  if (!impl_->failed.ok()) return impl_->failed;
  if (impl_->done) return Status::InvalidArgument("stream decrypt: already finished");
  impl_->done = true;
  impl_->failed = impl_->Finish();
  return impl_->failed;
}

std::optional<Identity> StreamDecryptor::other_identity() const { return impl_->other; }

}  // namespace evidence
