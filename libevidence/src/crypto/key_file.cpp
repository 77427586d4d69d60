#include "evidence/key_file.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/signing.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

constexpr std::string_view kMagic = "evidence-signing-key v1";
constexpr std::string_view kMagicPrefix = "evidence-signing-key ";
constexpr std::string_view kEncrypted = "scrypt-aes-256-gcm";
constexpr std::string_view kUnencrypted = "none";
// Nothing legitimate comes near this; it bounds the work done on a file that is not a key file.
constexpr std::size_t kMaxFileSize = 64 * 1024;

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kAeadKeySize = 32;

using Salt = std::array<std::uint8_t, kSaltSize>;
using Nonce = std::array<std::uint8_t, kNonceSize>;
using AeadKey = std::array<std::uint8_t, kAeadKeySize>;

Status OpenSslError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + ossl::DrainErrors());
}

// The memory OpenSSL's scrypt asks for: the V array (128 * r * (N + 2)) plus B (128 * r * p).
// The bounds checked first keep the product far below 2^64, whatever the file says.
bool ScryptMemoryWithinLimit(const ScryptParams& params) {
  const std::uint64_t limit = kMaxScryptMemory / 128;
  if (params.n > limit || params.r > limit) return false;
  const std::uint64_t units = std::uint64_t{params.r} * (params.n + 2 + params.p);
  return units <= limit;
}

// Why `params` are out of range, or an empty string. Shared by sealing (where it is the caller's
// mistake) and opening (where it is a file we do not support), so the caller picks the code.
std::string ScryptParamsProblem(const ScryptParams& params) {
  if (params.n < (1u << 10) || params.n > (1u << 20) || (params.n & (params.n - 1)) != 0) {
    return "scrypt n must be a power of two from 2^10 to 2^20, not " + std::to_string(params.n);
  }
  if (params.r < 1 || params.r > 32) {
    return "scrypt r must be 1 to 32, not " + std::to_string(params.r);
  }
  if (params.p < 1 || params.p > 16) {
    return "scrypt p must be 1 to 16, not " + std::to_string(params.p);
  }
  if (!ScryptMemoryWithinLimit(params)) return "scrypt parameters need more than 256 MiB of memory";
  return {};
}

bool ValidCaseUuid(std::string_view uuid) {
  return !uuid.empty() && uuid.size() <= 64 && std::all_of(uuid.begin(), uuid.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

Status DeriveKey(std::string_view passphrase, const Salt& salt, const ScryptParams& params,
                 AeadKey* out) {
  ossl::KdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) return OpenSslError("scrypt");
  ossl::KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError("scrypt");
  std::uint64_t n = params.n;
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  std::uint64_t maxmem = kMaxScryptMemory;
  OSSL_PARAM ps[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  if (EVP_KDF_derive(ctx.get(), out->data(), out->size(), ps) != 1) return OpenSslError("scrypt");
  return Status::Ok();
}

// AES-256-GCM of the 32-byte seed; returns ciphertext || 16-byte tag.
Result<Bytes> Encrypt(const AeadKey& key, const Nonce& nonce, std::string_view aad, ByteView seed) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(seed.size() + kTagSize);
  int len = 0;
  int fin = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, AsBytes(aad).data(),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, seed.data(), static_cast<int>(seed.size())) !=
          1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
      static_cast<std::size_t>(len + fin) != seed.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          out.data() + seed.size()) != 1) {
    return OpenSslError("encrypt key");
  }
  return out;
}

// Inverse of Encrypt into `seed` (32 bytes). A tag mismatch is kInvalidArgument "wrong passphrase":
// with the header already checksummed, a wrong passphrase is by far the likeliest cause.
Status Decrypt(const AeadKey& key, const Nonce& nonce, std::string_view aad, ByteView sealed,
               std::array<std::uint8_t, SigningKey::kSeedSize>* seed) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int fin = 0;
  const std::size_t body = sealed.size() - kTagSize;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, AsBytes(aad).data(),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), seed->data(), &len, sealed.data(), static_cast<int>(body)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(sealed.data() + body)) != 1) {
    return OpenSslError("decrypt key");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), seed->data() + len, &fin) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("wrong passphrase");
  }
  return Status::Ok();
}

// The header lines up to (not including) "secret:", in their fixed order.
std::string HeaderText(std::string_view key_name, std::string_view case_uuid,
                       const PublicKey& public_key, bool encrypted, const ScryptParams& params,
                       const Salt& salt, const Nonce& nonce) {
  std::string h;
  h += std::string(kMagic) + "\n";
  h += "key-name: " + std::string(key_name) + "\n";
  h += "case-uuid: " + std::string(case_uuid) + "\n";
  h += "public-key: " + Base64Encode(public_key.raw()) + "\n";
  if (!encrypted) {
    h += "encryption: " + std::string(kUnencrypted) + "\n";
    return h;
  }
  h += "encryption: " + std::string(kEncrypted) + "\n";
  h += "scrypt-n: " + std::to_string(params.n) + "\n";
  h += "scrypt-r: " + std::to_string(params.r) + "\n";
  h += "scrypt-p: " + std::to_string(params.p) + "\n";
  h += "salt: " + Base64Encode(salt) + "\n";
  h += "nonce: " + Base64Encode(nonce) + "\n";
  return h;
}

std::string ChecksumLine(std::string_view text) {
  return "checksum: " + DigestHex(Sha256::Of(text)) + "\n";
}

// A key file taken apart. `aad` is the exact header text that GCM authenticates.
struct ParsedKeyFile {
  std::string key_name;
  std::string case_uuid;
  std::optional<PublicKey> public_key;
  bool encrypted = false;
  ScryptParams params;
  Salt salt{};
  Nonce nonce{};
  Bytes secret;  // the sealed seed, or the seed itself when not encrypted
  std::string aad;

  ParsedKeyFile() = default;
  ParsedKeyFile(ParsedKeyFile&&) = default;
  ParsedKeyFile& operator=(ParsedKeyFile&&) = default;
  ~ParsedKeyFile() { OPENSSL_cleanse(secret.data(), secret.size()); }
};

// Reads "field: value" lines one at a time, in the fixed order, naming what is wrong.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  std::size_t offset() const { return pos_; }

  Result<std::string_view> Next(std::string_view what) {
    if (pos_ >= text_.size()) {
      return Status::Corruption("key file: truncated: the " + std::string(what) +
                                " line is missing");
    }
    std::size_t eol = text_.find('\n', pos_);
    if (eol == std::string_view::npos) {
      return Status::Corruption("key file: truncated: the " + std::string(what) +
                                " line has no newline");
    }
    std::string_view line = text_.substr(pos_, eol - pos_);
    pos_ = eol + 1;
    ++number_;
    return line;
  }

  Result<std::string_view> Field(std::string_view name) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view line, Next(name));
    std::string prefix = std::string(name) + ": ";
    if (!line.starts_with(prefix)) {
      return Status::Corruption("key file: line " + std::to_string(number_) + " should be the " +
                                std::string(name) + " field");
    }
    std::string_view value = line.substr(prefix.size());
    if (value.empty()) {
      return Status::Corruption("key file: the " + std::string(name) + " field is empty");
    }
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int number_ = 0;
};

template <std::size_t N>
Status DecodeFixed(std::string_view field, std::string_view b64, std::array<std::uint8_t, N>* out) {
  auto bytes = Base64Decode(b64);
  if (!bytes.ok())
    return Status::Corruption("key file: the " + std::string(field) + " is not valid base64");
  if (bytes->size() != N) {
    return Status::Corruption("key file: the " + std::string(field) + " is " +
                              std::to_string(bytes->size()) + " bytes, not " + std::to_string(N));
  }
  std::copy(bytes->begin(), bytes->end(), out->begin());
  return Status::Ok();
}

template <typename T>
Result<T> DecodeNumber(std::string_view field, std::string_view s) {
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || (s.size() > 1 && s[0] == '0')) {
    return Status::Corruption("key file: " + std::string(field) + " is not a decimal number");
  }
  return v;
}

Result<ParsedKeyFile> Parse(std::string_view text) {
  if (text.size() > kMaxFileSize) return Status::Corruption("key file: larger than 64 KiB");
  LineReader in(text);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view magic, in.Next("format version"));
  if (magic != kMagic) {
    if (magic.starts_with(kMagicPrefix)) {
      return Status::Unsupported("key file: format version \"" +
                                 std::string(magic.substr(kMagicPrefix.size())) +
                                 "\" is not supported");
    }
    return Status::Corruption("key file: not an evidence signing key file");
  }
  ParsedKeyFile f;
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view name, in.Field("key-name"));
  if (Status s = ValidKeyName(name); !s.ok()) {
    return Status::Corruption("key file: the " + s.message());
  }
  f.key_name = std::string(name);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view uuid, in.Field("case-uuid"));
  if (!ValidCaseUuid(uuid)) return Status::Corruption("key file: the case-uuid is malformed");
  f.case_uuid = std::string(uuid);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view pub_b64, in.Field("public-key"));
  std::array<std::uint8_t, PublicKey::kRawSize> pub{};
  EVIDENCE_RETURN_IF_ERROR(DecodeFixed("public-key", pub_b64, &pub));
  f.public_key = PublicKey::FromRaw(pub).value();
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view enc, in.Field("encryption"));
  if (enc == kEncrypted) {
    f.encrypted = true;
  } else if (enc != kUnencrypted) {
    return Status::Unsupported("key file: encryption \"" + std::string(enc) +
                               "\" is not supported");
  }
  if (f.encrypted) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view n, in.Field("scrypt-n"));
    EVIDENCE_ASSIGN_OR_RETURN(f.params.n, DecodeNumber<std::uint64_t>("scrypt-n", n));
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view r, in.Field("scrypt-r"));
    EVIDENCE_ASSIGN_OR_RETURN(f.params.r, DecodeNumber<std::uint32_t>("scrypt-r", r));
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view p, in.Field("scrypt-p"));
    EVIDENCE_ASSIGN_OR_RETURN(f.params.p, DecodeNumber<std::uint32_t>("scrypt-p", p));
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view salt, in.Field("salt"));
    EVIDENCE_RETURN_IF_ERROR(DecodeFixed("salt", salt, &f.salt));
    EVIDENCE_ASSIGN_OR_RETURN(std::string_view nonce, in.Field("nonce"));
    EVIDENCE_RETURN_IF_ERROR(DecodeFixed("nonce", nonce, &f.nonce));
  }
  f.aad = std::string(text.substr(0, in.offset()));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view secret, in.Field("secret"));
  auto secret_bytes = Base64Decode(secret);
  if (!secret_bytes.ok()) return Status::Corruption("key file: the secret is not valid base64");
  f.secret = std::move(*secret_bytes);
  const std::size_t want = SigningKey::kSeedSize + (f.encrypted ? kTagSize : 0);
  if (f.secret.size() != want) {
    return Status::Corruption("key file: the secret is " + std::to_string(f.secret.size()) +
                              " bytes, not " + std::to_string(want));
  }
  const std::size_t checked = in.offset();
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view checksum, in.Field("checksum"));
  if (in.offset() != text.size()) {
    return Status::Corruption("key file: unexpected text after the checksum line");
  }
  if (ChecksumLine(text.substr(0, checked)) != "checksum: " + std::string(checksum) + "\n") {
    return Status::Corruption("key file: checksum mismatch: the file is damaged or was edited");
  }
  // Checked after the checksum: parameters out of range in an intact file are a version problem.
  if (f.encrypted) {
    if (std::string problem = ScryptParamsProblem(f.params); !problem.empty()) {
      return Status::Unsupported("key file: " + problem);
    }
  }
  return f;
}

}  // namespace

Result<std::string> SealSigningKey(const SigningKey& key, std::string_view key_name,
                                   std::string_view case_uuid,
                                   const std::optional<std::string>& passphrase,
                                   const ScryptParams& params) {
  EVIDENCE_RETURN_IF_ERROR(ValidKeyName(key_name).WithContext("seal key"));
  if (!ValidCaseUuid(case_uuid)) {
    return Status::InvalidArgument(
        "seal key: the case uuid must be 1-64 characters of [0-9A-Za-z-]");
  }
  Bytes seed = key.RawPrivateKey(InsecureSecretKeyAccess::Get());
  ossl::ScopedCleanse wipe_seed(seed.data(), seed.size());
  if (seed.size() != SigningKey::kSeedSize) {
    return Status::InvalidArgument("seal key: the signing key has no private seed");
  }

  if (!passphrase) {
    std::string text = HeaderText(key_name, case_uuid, key.public_key(), false, params, {}, {});
    std::string seed_b64 = Base64Encode(seed);
    ossl::ScopedCleanse wipe_b64(seed_b64.data(), seed_b64.size());
    text += "secret: " + seed_b64 + "\n";
    text += ChecksumLine(text);
    return text;
  }

  if (passphrase->empty()) {
    return Status::InvalidArgument(
        "seal key: the passphrase is empty (give none to store the key unencrypted)");
  }
  if (std::string problem = ScryptParamsProblem(params); !problem.empty()) {
    return Status::InvalidArgument("seal key: " + problem);
  }
  Salt salt{};
  Nonce nonce{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 ||
      RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    return OpenSslError("seal key: random bytes");
  }
  AeadKey aead_key{};
  ossl::ScopedCleanse wipe_key(aead_key.data(), aead_key.size());
  EVIDENCE_RETURN_IF_ERROR(DeriveKey(*passphrase, salt, params, &aead_key));
  std::string text = HeaderText(key_name, case_uuid, key.public_key(), true, params, salt, nonce);
  EVIDENCE_ASSIGN_OR_RETURN(Bytes sealed, Encrypt(aead_key, nonce, text, seed));
  text += "secret: " + Base64Encode(sealed) + "\n";
  text += ChecksumLine(text);
  return text;
}

Result<SigningKey> OpenSigningKey(std::string_view file_contents,
                                  std::string_view expected_case_uuid,
                                  const std::optional<std::string>& passphrase) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedKeyFile f, Parse(file_contents));
  if (f.case_uuid != expected_case_uuid) {
    return Status::InvalidArgument("key file belongs to case " + f.case_uuid + ", not " +
                                   std::string(expected_case_uuid));
  }
  std::array<std::uint8_t, SigningKey::kSeedSize> seed{};
  ossl::ScopedCleanse wipe_seed(seed.data(), seed.size());
  if (f.encrypted) {
    if (!passphrase) {
      return Status::InvalidArgument("key file is encrypted: a passphrase is needed");
    }
    AeadKey aead_key{};
    ossl::ScopedCleanse wipe_key(aead_key.data(), aead_key.size());
    EVIDENCE_RETURN_IF_ERROR(DeriveKey(*passphrase, f.salt, f.params, &aead_key));
    EVIDENCE_RETURN_IF_ERROR(Decrypt(aead_key, f.nonce, f.aad, f.secret, &seed));
  } else {
    std::copy(f.secret.begin(), f.secret.end(), seed.begin());
  }
  EVIDENCE_ASSIGN_OR_RETURN(SigningKey key,
                            SigningKey::FromRawPrivateKey(seed, InsecureSecretKeyAccess::Get()));
  // Catches an edited public-key line in an unencrypted file (with a recomputed checksum), and
  // any bug that would pair a seed with the wrong public key.
  if (!(key.public_key() == *f.public_key)) {
    return Status::Corruption("key file: the public key does not match the private key");
  }
  return key;
}

Result<KeyFileInfo> InspectKeyFile(std::string_view file_contents) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedKeyFile f, Parse(file_contents));
  return KeyFileInfo{f.key_name, f.case_uuid, f.encrypted, *f.public_key};
}

}  // namespace evidence
