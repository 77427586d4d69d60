// The one browser session of an `evidence app` run: the one-time URL token, the session cookie's
// id, the CSRF token, the idle clock and the unlocked Case (docs/app.md "Safety").
//
// Thread safety: none; the server serialises every request and the idle check on one mutex.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/status.hpp"

namespace evidence::app {

// Monotonic time, injectable so that tests can move it without sleeping.
using Clock = std::function<std::chrono::steady_clock::time_point()>;

// 32 bytes from OpenSSL's CSPRNG as 64 lower-case hex digits. kIoError if the generator fails.
Result<std::string> RandomToken();

// Compares two secrets in time that does not depend on where they differ.
bool SameSecret(std::string_view a, std::string_view b);

// The secrets of one session, each a RandomToken.
struct SessionSecrets {
  std::string url_token;   // printed once in the URL; exchanged for the cookie
  std::string session_id;  // the cookie's value
  std::string csrf;        // carried by every state-changing request
};
Result<SessionSecrets> NewSessionSecrets();

// The result of the last "Check now" (Case::Verify) in this session.
struct VerifyOutcome {
  std::chrono::system_clock::time_point at;
  VerifyReport report;
};

class Session {
 public:
  Session(SessionSecrets secrets, std::chrono::minutes idle_limit, Clock clock);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& url_token() const { return secrets_.url_token; }
  const std::string& csrf() const { return secrets_.csrf; }

  // Exchanges the URL token for the session id: the right token the first time gives the id;
  // any other token, and the right one again, gives nullopt.
  std::optional<std::string> Redeem(std::string_view token);
  // Whether `session_id` (from the cookie) is this session's, once the token was redeemed.
  bool Authenticates(std::string_view session_id) const;
  bool CsrfMatches(std::string_view csrf) const;

  // Called for every authenticated request: locks the case first when the session has been idle
  // for the limit or longer (so the request sees the unlock page), then restarts the idle clock.
  void Touch();
  // Locks the case when idle for the limit or longer; true if it did. The server calls it
  // periodically so that the key does not stay in memory until the next request.
  bool LockIfIdle();

  // Holds `c` as the unlocked case until Lock.
  void Hold(Case c);
  // The unlocked case, or nullptr when locked.
  Case* unlocked() { return case_ ? &*case_ : nullptr; }
  bool is_unlocked() const { return case_.has_value(); }
  // Destroys the unlocked Case (which wipes its key material) and forgets the last check.
  void Lock();

  const std::optional<VerifyOutcome>& last_verify() const { return last_verify_; }
  void set_last_verify(VerifyOutcome v) { last_verify_ = std::move(v); }

 private:
  bool Idle() const;

  SessionSecrets secrets_;
  bool redeemed_ = false;
  std::chrono::minutes idle_limit_;
  Clock clock_;
  std::chrono::steady_clock::time_point last_request_;
  std::optional<Case> case_;
  std::optional<VerifyOutcome> last_verify_;
};

// A passphrase held for as long as a Case may ask for it again (a plaintext case whose signing key
// is sealed asks when it first signs); wiped when the last holder lets go.
class HeldPassphrase {
 public:
  explicit HeldPassphrase(std::string text) : text_(std::move(text)) {}
  ~HeldPassphrase();
  HeldPassphrase(const HeldPassphrase&) = delete;
  HeldPassphrase& operator=(const HeldPassphrase&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A provider for Case::Open/Create that answers with `passphrase` and keeps it (shared) until the
// Case that holds the provider is destroyed.
PassphraseProvider ProviderFor(std::string passphrase);

}  // namespace evidence::app
