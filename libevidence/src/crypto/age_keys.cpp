#include "age_keys.hpp"

#include <algorithm>

#include "age_encoding.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence {
namespace {

using age_internal::Key32;

constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "age-secret-key-";
constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr std::size_t kScryptSaltSize = 16;

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Calls `each(line, number)` for every line that is neither empty nor a '#' comment.
template <typename F>
Status ForEachKeyLine(std::string_view text, F each) {
  std::size_t number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    EVIDENCE_RETURN_IF_ERROR(each(line, number));
  }
  return Status::Ok();
}

Result<Key32> DecodeKey(std::string_view text, std::string_view hrp, const char* what) {
  auto decoded = age_internal::Bech32Decode(text);
  if (!decoded || decoded->hrp != hrp || decoded->data.size() != 32) {
    return Status::InvalidArgument(std::string("not an age ") + what);
  }
  Key32 key{};
  std::copy(decoded->data.begin(), decoded->data.end(), key.begin());
  OPENSSL_cleanse(decoded->data.data(), decoded->data.size());
  return key;
}

Status CheckWorkFactor(int work_factor) {
  if (work_factor < 1 || work_factor > kAgeScryptWorkFactor) {
    return Status::InvalidArgument("scrypt work factor must be 1 to " +
                                   std::to_string(kAgeScryptWorkFactor));
  }
  return Status::Ok();
}

Result<AgeIdentity> X25519Identity(const Key32& secret) {
  auto data = std::make_shared<AgeIdentity::Data>();
  data->secret_key = secret;
  EVIDENCE_ASSIGN_OR_RETURN(data->public_key, age_internal::X25519Public(secret));
  return AgeIdentity::Data::Wrap(std::move(data));
}

}  // namespace

AgeRecipient::Data::~Data() { OPENSSL_cleanse(secret.data(), secret.size()); }
AgeIdentity::Data::~Data() {
  OPENSSL_cleanse(secret.data(), secret.size());
  OPENSSL_cleanse(secret_key.data(), secret_key.size());
}

Result<AgeRecipient> AgeRecipient::Parse(std::string_view text) {
  if (!text.starts_with("age1")) {
    return Status::InvalidArgument("not an age X25519 recipient: it must start with \"age1\"");
  }
  auto key = DecodeKey(text, kRecipientHrp, "X25519 recipient (bad bech32 or length)");
  if (!key.ok()) return key.status();
  auto data = std::make_shared<Data>();
  data->public_key = *key;
  return AgeRecipient::Data::Wrap(std::move(data));
}

Result<AgeRecipient> AgeRecipient::Passphrase(std::string_view passphrase, int work_factor) {
  if (passphrase.empty()) return Status::InvalidArgument("the passphrase is empty");
  EVIDENCE_RETURN_IF_ERROR(CheckWorkFactor(work_factor));
  auto data = std::make_shared<Data>();
  data->passphrase = true;
  data->secret = std::string(passphrase);
  data->work_factor = work_factor;
  return AgeRecipient::Data::Wrap(std::move(data));
}

bool AgeRecipient::is_passphrase() const { return data_->passphrase; }

std::string AgeRecipient::ToString() const {
  if (data_->passphrase) return "passphrase";
  return age_internal::Bech32Encode(kRecipientHrp, data_->public_key);
}

Result<std::vector<AgeRecipient>> ParseAgeRecipientsFile(std::string_view text) {
  std::vector<AgeRecipient> out;
  EVIDENCE_RETURN_IF_ERROR(ForEachKeyLine(text, [&](std::string_view line, std::size_t n) {
    auto r = AgeRecipient::Parse(line);
    if (!r.ok()) return r.status().WithContext("line " + std::to_string(n));
    out.push_back(*r);
    return Status::Ok();
  }));
  if (out.empty()) return Status::InvalidArgument("no recipient in the file");
  return out;
}

Result<AgeIdentity> AgeIdentity::Parse(std::string_view text) {
  if (!text.starts_with("AGE-SECRET-KEY-1")) {
    return Status::InvalidArgument(
        "not an age identity: it must start with \"AGE-SECRET-KEY-1\" (plugin and post-quantum "
        "identities are not supported)");
  }
  EVIDENCE_ASSIGN_OR_RETURN(Key32 secret,
                            DecodeKey(text, kIdentityHrp, "identity (bad bech32 or length)"));
  ossl::ScopedCleanse wipe(secret.data(), secret.size());
  return X25519Identity(secret);
}

Result<AgeIdentity> AgeIdentity::Passphrase(std::string_view passphrase) {
  if (passphrase.empty()) return Status::InvalidArgument("the passphrase is empty");
  auto data = std::make_shared<Data>();
  data->passphrase = true;
  data->secret = std::string(passphrase);
  return AgeIdentity::Data::Wrap(std::move(data));
}

Result<AgeIdentity> AgeIdentity::Generate() {
  Key32 secret{};
  ossl::ScopedCleanse wipe(secret.data(), secret.size());
  EVIDENCE_RETURN_IF_ERROR(age_internal::RandomBytes(secret.data(), secret.size()));
  return X25519Identity(secret);
}

bool AgeIdentity::is_passphrase() const { return data_->passphrase; }

std::string AgeIdentity::Recipient() const {
  if (data_->passphrase) return "";
  return age_internal::Bech32Encode(kRecipientHrp, data_->public_key);
}

std::string AgeIdentity::SecretKeyText() const {
  if (data_->passphrase) return "";
  return Upper(age_internal::Bech32Encode(kIdentityHrp, data_->secret_key));
}

Result<std::vector<AgeIdentity>> ParseAgeIdentityFile(std::string_view text) {
  std::vector<AgeIdentity> out;
  EVIDENCE_RETURN_IF_ERROR(ForEachKeyLine(text, [&](std::string_view line, std::size_t n) {
    auto id = AgeIdentity::Parse(line);
    if (!id.ok()) return id.status().WithContext("line " + std::to_string(n));
    out.push_back(*id);
    return Status::Ok();
  }));
  if (out.empty()) return Status::InvalidArgument("no identity in the file");
  return out;
}

namespace age_internal {
namespace {

constexpr Nonce12 kZeroNonce{};

Status StanzaError(std::size_t index, const std::string& what) {
  return Status::Corruption("header: stanza " + std::to_string(index + 1) + ": " + what);
}

// The body must be exactly the file key plus the tag; then it either opens or it is not ours.
Result<Unwrap> OpenBody(const Key32& key, const Stanza& stanza, std::size_t index,
                        FileKey* file_key) {
  if (stanza.body.size() != file_key->size() + kTagSize) {
    return StanzaError(index, stanza.type + " body is not a 16-byte file key and its tag");
  }
  EVIDENCE_ASSIGN_OR_RETURN(bool ok, ChaChaOpen(key, kZeroNonce, stanza.body, file_key->data()));
  return ok ? Unwrap::kMatched : Unwrap::kNoMatch;
}

bool CanonicalDecimal(std::string_view s) {
  return !s.empty() && s.size() <= 2 && s[0] >= '1' && s[0] <= '9' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Unwrap> UnwrapX25519(const AgeIdentity::Data& id, const Stanza& stanza, std::size_t index,
                            FileKey* file_key) {
  if (stanza.args.size() != 1) return StanzaError(index, "X25519 takes exactly one argument");
  auto share = Base64DecodeRaw(stanza.args[0]);
  if (!share || share->size() != 32) {
    return StanzaError(index, "X25519 share is not 32 bytes of canonical base64");
  }
  Key32 point{};
  std::copy(share->begin(), share->end(), point.begin());
  EVIDENCE_ASSIGN_OR_RETURN(auto shared, X25519(id.secret_key, point));
  if (!shared) return StanzaError(index, "X25519 share is a low-order point");
  ossl::ScopedCleanse wipe_shared(shared->data(), shared->size());
  Bytes salt(point.begin(), point.end());
  salt.insert(salt.end(), id.public_key.begin(), id.public_key.end());
  Key32 wrap{};
  ossl::ScopedCleanse wipe_wrap(wrap.data(), wrap.size());
  EVIDENCE_RETURN_IF_ERROR(Hkdf(*shared, salt, kX25519Label, &wrap));
  return OpenBody(wrap, stanza, index, file_key);
}

Result<Unwrap> UnwrapScrypt(const AgeIdentity::Data& id, const Stanza& stanza, std::size_t index,
                            FileKey* file_key) {
  if (stanza.args.size() != 2) return StanzaError(index, "scrypt takes exactly two arguments");
  auto salt = Base64DecodeRaw(stanza.args[0]);
  if (!salt || salt->size() != kScryptSaltSize) {
    return StanzaError(index, "scrypt salt is not 16 bytes of canonical base64");
  }
  if (!CanonicalDecimal(stanza.args[1])) {
    return StanzaError(index, "scrypt work factor is not a decimal number without leading zeros");
  }
  int work_factor = std::stoi(stanza.args[1]);
  if (work_factor > kAgeScryptWorkFactor) {
    return Status::Unsupported("header: stanza " + std::to_string(index + 1) +
                               ": scrypt work factor " + stanza.args[1] + " needs more than " +
                               "256 MiB of memory; we open at most work factor " +
                               std::to_string(kAgeScryptWorkFactor));
  }
  Bytes full_salt(kScryptLabel.begin(), kScryptLabel.end());
  full_salt.insert(full_salt.end(), salt->begin(), salt->end());
  Key32 key{};
  ossl::ScopedCleanse wipe(key.data(), key.size());
  EVIDENCE_RETURN_IF_ERROR(Scrypt(id.secret, full_salt, work_factor, &key));
  return OpenBody(key, stanza, index, file_key);
}

}  // namespace

Result<Stanza> WrapFileKey(const AgeRecipient::Data& recipient, const FileKey& file_key) {
  Stanza stanza;
  Key32 key{};
  ossl::ScopedCleanse wipe(key.data(), key.size());
  if (recipient.passphrase) {
    Bytes salt(kScryptSaltSize);
    EVIDENCE_RETURN_IF_ERROR(RandomBytes(salt.data(), salt.size()));
    Bytes full_salt(kScryptLabel.begin(), kScryptLabel.end());
    full_salt.insert(full_salt.end(), salt.begin(), salt.end());
    EVIDENCE_RETURN_IF_ERROR(Scrypt(recipient.secret, full_salt, recipient.work_factor, &key));
    stanza.type = "scrypt";
    stanza.args = {Base64EncodeRaw(salt), std::to_string(recipient.work_factor)};
  } else {
    Key32 ephemeral{};
    ossl::ScopedCleanse wipe_ephemeral(ephemeral.data(), ephemeral.size());
    EVIDENCE_RETURN_IF_ERROR(RandomBytes(ephemeral.data(), ephemeral.size()));
    EVIDENCE_ASSIGN_OR_RETURN(Key32 share, X25519Public(ephemeral));
    EVIDENCE_ASSIGN_OR_RETURN(auto shared, X25519(ephemeral, recipient.public_key));
    if (!shared) return Status::InvalidArgument("the recipient is a low-order X25519 point");
    ossl::ScopedCleanse wipe_shared(shared->data(), shared->size());
    Bytes salt(share.begin(), share.end());
    salt.insert(salt.end(), recipient.public_key.begin(), recipient.public_key.end());
    EVIDENCE_RETURN_IF_ERROR(Hkdf(*shared, salt, kX25519Label, &key));
    stanza.type = "X25519";
    stanza.args = {Base64EncodeRaw(share)};
  }
  EVIDENCE_ASSIGN_OR_RETURN(stanza.body, ChaChaSeal(key, kZeroNonce, file_key));
  return stanza;
}

Result<Unwrap> UnwrapFileKey(const AgeIdentity::Data& identity, const Stanza& stanza,
                             std::size_t index, FileKey* file_key) {
  if (identity.passphrase) {
    if (stanza.type != "scrypt") return Unwrap::kNoMatch;
    return UnwrapScrypt(identity, stanza, index, file_key);
  }
  if (stanza.type != "X25519") return Unwrap::kNoMatch;
  return UnwrapX25519(identity, stanza, index, file_key);
}

}  // namespace age_internal
}  // namespace evidence
