// The age v1 file format (age-encryption.org/v1, docs/age.md): encrypting a bundle for hand-over
// to X25519 recipients ("age1...") or to a passphrase, and reading such a file back as a stream of
// authenticated plaintext. Files made here open with the reference `age -d`, and files made by
// `age -e` open here. Keys come only from the validating factories below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The work factor (log2 of scrypt's N, r = 8, p = 1) that `age -p` uses and that we write. It is
// also the highest we open: 2^18 needs 256 MiB, the kMaxScryptMemory of key_file.hpp.
inline constexpr int kAgeScryptWorkFactor = 18;

// Who a file is encrypted to. A passphrase recipient must be the only recipient of a file.
class AgeRecipient {
 public:
  // "age1..." (an X25519 recipient as age-keygen prints it). kInvalidArgument when the text is
  // not one (the message says what is wrong with it, never repeating a secret).
  static Result<AgeRecipient> Parse(std::string_view text);
  // scrypt: the file opens with this passphrase. kInvalidArgument for an empty passphrase or a
  // work factor outside 1..kAgeScryptWorkFactor (tests use a small one).
  static Result<AgeRecipient> Passphrase(std::string_view passphrase,
                                         int work_factor = kAgeScryptWorkFactor);

  bool is_passphrase() const;
  // "age1..." or "passphrase".
  std::string ToString() const;

  struct Data;
  const Data& data() const { return *data_; }

 private:
  friend struct Data;
  explicit AgeRecipient(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// The recipients of a recipients file (as `age -R` reads it): one "age1..." per line; empty lines
// and lines starting with '#' are ignored. kInvalidArgument names the line at fault; a file with no
// recipient is an error too.
Result<std::vector<AgeRecipient>> ParseAgeRecipientsFile(std::string_view text);

// What opens a file: an X25519 secret key or a passphrase.
class AgeIdentity {
 public:
  // "AGE-SECRET-KEY-1..." as age-keygen writes it. kInvalidArgument when it is not one.
  static Result<AgeIdentity> Parse(std::string_view text);
  static Result<AgeIdentity> Passphrase(std::string_view passphrase);
  // A fresh X25519 identity (kIoError when the random generator fails).
  static Result<AgeIdentity> Generate();

  bool is_passphrase() const;
  // The "age1..." recipient of an X25519 identity; empty for a passphrase.
  std::string Recipient() const;
  // The secret "AGE-SECRET-KEY-1..." text of an X25519 identity, for writing an identity file;
  // empty for a passphrase.
  std::string SecretKeyText() const;

  struct Data;
  const Data& data() const { return *data_; }

 private:
  friend struct Data;
  explicit AgeIdentity(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// The identities of an identity file as age-keygen writes it: "AGE-SECRET-KEY-1..." lines, with
// empty lines and '#' comments ignored. kInvalidArgument names the line at fault (never showing
// its text: it may be a secret); a file with no identity is an error too.
Result<std::vector<AgeIdentity>> ParseAgeIdentityFile(std::string_view text);

// Encrypts a stream: Start writes the header through `output`, Write takes plaintext in any
// pieces, Finish seals the last chunk. Memory stays at one 64 KiB chunk. Calls out of order, or
// after an error, fail with kInvalidArgument; an error from `output` is returned as it is.
class AgeEncryptor {
 public:
  using Output = std::function<Status(ByteView)>;
  // kInvalidArgument for no recipients, or a passphrase recipient together with any other.
  static Result<std::unique_ptr<AgeEncryptor>> Start(const std::vector<AgeRecipient>& recipients,
                                                     Output output);
  Status Write(ByteView plaintext);
  Status Finish();
  ~AgeEncryptor();

  struct Impl;
  explicit AgeEncryptor(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads an age file (binary, or ASCII-armored) as a stream. Open reads the header and finds the
// file key; Next hands out the plaintext one chunk at a time, each only after its tag checked.
// A stream that ends early is an error from the last Next, so a caller that stored what it saw
// must then discard it. Errors (messages say which stanza, chunk or armor line):
//   kInvalidArgument   no identity matches ("no identity matches..."), or "wrong passphrase";
//   kVerificationFailed the header MAC or a chunk's tag does not match ("chunk 3: ...");
//   kCorruption        malformed header, stanza, armor, or a truncated stream;
//   kUnsupported       another format version, or an scrypt work factor above ours;
//   input's own errors as they are.
class AgeDecryptor {
 public:
  // Fills the span with up to its size in bytes and returns the count; 0 means the end.
  using Input = std::function<Result<std::size_t>(std::span<std::uint8_t>)>;
  static Result<std::unique_ptr<AgeDecryptor>> Open(Input input,
                                                    const std::vector<AgeIdentity>& identities);
  // The next chunk of checked plaintext, valid until the next call; an empty view once the
  // whole file was read and its final chunk checked (and no bytes follow it).
  Result<ByteView> Next();
  ~AgeDecryptor();

  struct Impl;
  explicit AgeDecryptor(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// True when `head` (the first bytes of a file, 64 or more when the file has them) starts like an
// age file: the binary "age-encryption.org/" line, or the armor's BEGIN line after whitespace.
bool LooksLikeAgeFile(ByteView head);

// Encrypts the file `in` to `out` (which must not exist): written to a temporary name in out's
// folder, synced and renamed, so `out` is either whole or absent. Errors name the file.
Status AgeEncryptFile(const std::filesystem::path& in, const std::filesystem::path& out,
                      const std::vector<AgeRecipient>& recipients);

// An Input over an open file descriptor (not owned), for AgeDecryptor::Open.
AgeDecryptor::Input AgeInputFromFd(int fd);

}  // namespace evidence
EVIDENCE_PUBLIC_END
