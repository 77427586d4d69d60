#include "passphrase_seal.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>

#include "evidence/hash.hpp"
#include "gcm.hpp"
#include "openssl_util.hpp"
#include "scrypt.hpp"
#include "status_macros.hpp"

namespace evidence::seal {

namespace {

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

template <typename T>
Result<T> DecodeNumber(std::string_view file, std::string_view field, std::string_view s) {
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || (s.size() > 1 && s[0] == '0')) {
    return Status::Corruption(std::string(file) + ": " + std::string(field) +
                              " is not a decimal number");
  }
  return v;
}

}  // namespace

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

Result<Nonce> RandomNonce() {
  Nonce nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    return OpenSslError("random bytes");
  }
  return nonce;
}

Result<Kek> Kek::ForSealing(std::string_view passphrase, const ScryptParams& params) {
  if (passphrase.empty()) {
    return Status::InvalidArgument(
        "the passphrase is empty (give none to store the key unencrypted)");
  }
  if (std::string problem = ScryptParamsProblem(params); !problem.empty()) {
    return Status::InvalidArgument(problem);
  }
  Salt salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return OpenSslError("random bytes");
  }
  return Derive(passphrase, salt, params);
}

Result<Kek> Kek::Derive(std::string_view passphrase, const Salt& salt, const ScryptParams& params) {
  std::array<std::uint8_t, SecretKey::kSize> out{};
  ossl::ScopedCleanse wipe(out.data(), out.size());
  EVIDENCE_RETURN_IF_ERROR(DeriveScrypt(passphrase, salt, params, out));
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey key,
                            SecretKey::FromBytes(out, InsecureSecretKeyAccess::Get()));
  return Kek(std::move(key), salt, params);
}

Result<Bytes> Kek::Seal(const Nonce& nonce, std::string_view aad, ByteView secret) const {
  auto sealed = gcm::Seal(key_.bytes(InsecureSecretKeyAccess::Get()), nonce, AsBytes(aad), secret);
  if (!sealed.ok()) return Status::IoError("encrypt key: " + sealed.status().message());
  return sealed;
}

Status Kek::Open(const Nonce& nonce, std::string_view aad, ByteView sealed,
                 std::span<std::uint8_t> out) const {
  if (sealed.size() != out.size() + gcm::kTagSize)
    return Status::Corruption("sealed key: wrong length");
  EVIDENCE_ASSIGN_OR_RETURN(bool opened, gcm::Open(key_.bytes(InsecureSecretKeyAccess::Get()),
                                                   nonce, AsBytes(aad), sealed, out));
  if (!opened) return Status::InvalidArgument("wrong passphrase");
  return Status::Ok();
}

Unlocker::~Unlocker() { OPENSSL_cleanse(passphrase_.data(), passphrase_.size()); }

namespace {
std::string KekId(const Salt& salt, const ScryptParams& params) {
  return HexEncode(salt) + "/" + std::to_string(params.n) + "/" + std::to_string(params.r) + "/" +
         std::to_string(params.p);
}
}  // namespace

Result<const Kek*> Unlocker::KekFor(const Salt& salt, const ScryptParams& params) {
  const std::string id = KekId(salt, params);
  auto it = keks_.find(id);
  if (it == keks_.end()) {
    EVIDENCE_ASSIGN_OR_RETURN(Kek kek, Kek::Derive(passphrase_, salt, params));
    ++derivations_;
    it = keks_.emplace(id, std::make_unique<Kek>(std::move(kek))).first;
  }
  return it->second.get();
}

Result<const Kek*> Unlocker::KekForSealing(const ScryptParams& params) {
  EVIDENCE_ASSIGN_OR_RETURN(Kek kek, Kek::ForSealing(passphrase_, params));
  ++derivations_;
  const std::string id = KekId(kek.salt(), kek.params());
  auto it = keks_.insert_or_assign(id, std::make_unique<Kek>(std::move(kek))).first;
  return it->second.get();
}

Result<std::string_view> LineReader::Next(std::string_view what) {
  if (pos_ >= text_.size()) {
    return Status::Corruption(file_ + ": truncated: the " + std::string(what) + " line is missing");
  }
  std::size_t eol = text_.find('\n', pos_);
  if (eol == std::string_view::npos) {
    return Status::Corruption(file_ + ": truncated: the " + std::string(what) +
                              " line has no newline");
  }
  std::string_view line = text_.substr(pos_, eol - pos_);
  pos_ = eol + 1;
  ++number_;
  return line;
}

Status LineReader::ExpectFormat(std::string_view magic, std::string_view kind) {
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view line, Next("format version"));
  if (line == magic) return Status::Ok();
  const std::string_view prefix = magic.substr(0, magic.rfind(' ') + 1);
  if (line.starts_with(prefix)) {
    return Status::Unsupported(file_ + ": format version \"" +
                               std::string(line.substr(prefix.size())) + "\" is not supported");
  }
  return Status::Corruption(file_ + ": not an evidence " + std::string(kind) + " file");
}

Result<std::string_view> LineReader::Field(std::string_view name) {
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view line, Next(name));
  std::string prefix = std::string(name) + ": ";
  if (!line.starts_with(prefix)) {
    return Status::Corruption(file_ + ": line " + std::to_string(number_) + " should be the " +
                              std::string(name) + " field");
  }
  std::string_view value = line.substr(prefix.size());
  if (value.empty()) {
    return Status::Corruption(file_ + ": the " + std::string(name) + " field is empty");
  }
  return value;
}

std::string ChecksumLine(std::string_view text) {
  return "checksum: " + DigestHex(Sha256::Of(text)) + "\n";
}

std::string KdfLines(const ScryptParams& params, const Salt& salt, const Nonce& nonce) {
  std::string h;
  h += "scrypt-n: " + std::to_string(params.n) + "\n";
  h += "scrypt-r: " + std::to_string(params.r) + "\n";
  h += "scrypt-p: " + std::to_string(params.p) + "\n";
  h += "salt: " + Base64Encode(salt) + "\n";
  h += "nonce: " + Base64Encode(nonce) + "\n";
  return h;
}

Result<KdfFields> ReadKdfLines(std::string_view file, LineReader& in) {
  KdfFields f;
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view n, in.Field("scrypt-n"));
  EVIDENCE_ASSIGN_OR_RETURN(f.params.n, DecodeNumber<std::uint64_t>(file, "scrypt-n", n));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view r, in.Field("scrypt-r"));
  EVIDENCE_ASSIGN_OR_RETURN(f.params.r, DecodeNumber<std::uint32_t>(file, "scrypt-r", r));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view p, in.Field("scrypt-p"));
  EVIDENCE_ASSIGN_OR_RETURN(f.params.p, DecodeNumber<std::uint32_t>(file, "scrypt-p", p));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view salt, in.Field("salt"));
  EVIDENCE_RETURN_IF_ERROR(DecodeFixed(file, "salt", salt, f.salt));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view nonce, in.Field("nonce"));
  EVIDENCE_RETURN_IF_ERROR(DecodeFixed(file, "nonce", nonce, f.nonce));
  return f;
}

Status DecodeFixed(std::string_view file, std::string_view field, std::string_view b64,
                   std::span<std::uint8_t> out) {
  auto bytes = Base64Decode(b64);
  if (!bytes.ok()) {
    return Status::Corruption(std::string(file) + ": the " + std::string(field) +
                              " is not valid base64");
  }
  if (bytes->size() != out.size()) {
    return Status::Corruption(std::string(file) + ": the " + std::string(field) + " is " +
                              std::to_string(bytes->size()) + " bytes, not " +
                              std::to_string(out.size()));
  }
  std::copy(bytes->begin(), bytes->end(), out.begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return Status::Ok();
}

}  // namespace evidence::seal
