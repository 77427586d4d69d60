#include "session.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include <memory>

namespace evidence::app {

Result<std::string> RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::IoError("the random generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof bytes);
  for (unsigned char b : bytes) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  return hex;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<SessionSecrets> NewSessionSecrets() {
  SessionSecrets s;
  for (std::string* field : {&s.url_token, &s.session_id, &s.csrf}) {
    auto token = RandomToken();
    if (!token.ok()) return token.status();
    *field = std::move(token).value();
  }
  return s;
}

Session::Session(SessionSecrets secrets, std::chrono::minutes idle_limit, Clock clock)
    : secrets_(std::move(secrets)),
      idle_limit_(idle_limit),
      clock_(std::move(clock)),
      last_request_(clock_()) {}

Session::~Session() { Lock(); }

std::optional<std::string> Session::Redeem(std::string_view token) {
  if (redeemed_ || !SameSecret(token, secrets_.url_token)) return std::nullopt;
  // Spent at once: a token copied from the terminal, a shell history or a screenshot later is
  // worth nothing.
  redeemed_ = true;
  explicit_bzero(secrets_.url_token.data(), secrets_.url_token.size());
  secrets_.url_token.clear();
  return secrets_.session_id;
}

bool Session::Authenticates(std::string_view session_id) const {
  return redeemed_ && SameSecret(session_id, secrets_.session_id);
}

bool Session::CsrfMatches(std::string_view csrf) const { return SameSecret(csrf, secrets_.csrf); }

bool Session::Idle() const { return clock_() - last_request_ >= idle_limit_; }

void Session::Touch() {
  LockIfIdle();
  last_request_ = clock_();
}

bool Session::LockIfIdle() {
  if (!case_ || !Idle()) return false;
  Lock();
  return true;
}

void Session::Hold(Case c) {
  case_.reset();
  case_.emplace(std::move(c));
}

void Session::Lock() {
  case_.reset();
  last_verify_.reset();
}

HeldPassphrase::~HeldPassphrase() { explicit_bzero(text_.data(), text_.size()); }

PassphraseProvider ProviderFor(std::string passphrase) {
  auto held = std::make_shared<HeldPassphrase>(std::move(passphrase));
  explicit_bzero(passphrase.data(), passphrase.size());
  return [held]() -> Result<std::string> { return held->text(); };
}

}  // namespace evidence::app
