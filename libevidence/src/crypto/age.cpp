// The public age API (evidence/age.hpp): streaming encryption, and the decryptor over
// age_reader.
#include "evidence/age.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "age_encoding.hpp"
#include "age_header.hpp"
#include "age_keys.hpp"
#include "age_reader.hpp"
#include "fd_io.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"
#include "unique_fd.hpp"

namespace evidence {
namespace {

using age_internal::kChunkSize;

age_internal::Nonce12 PayloadNonce(std::uint64_t counter, bool last) {
  age_internal::Nonce12 nonce{};
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
  nonce[11] = last ? 1 : 0;
  return nonce;
}

}  // namespace

struct AgeEncryptor::Impl {
  Output output;
  age_internal::Key32 payload_key{};
  std::uint64_t counter = 0;
  Bytes pending;  // plaintext not yet sealed: at most one chunk
  bool finished = false;
  bool failed = false;

  ~Impl() {
    OPENSSL_cleanse(payload_key.data(), payload_key.size());
    if (!pending.empty()) OPENSSL_cleanse(pending.data(), pending.size());
  }

  Status Seal(ByteView plain, bool last) {
    EVIDENCE_ASSIGN_OR_RETURN(
        Bytes sealed, age_internal::ChaChaSeal(payload_key, PayloadNonce(counter, last), plain));
    ++counter;
    return output(sealed);
  }
};

AgeEncryptor::AgeEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AgeEncryptor::~AgeEncryptor() = default;

Result<std::unique_ptr<AgeEncryptor>> AgeEncryptor::Start(
    const std::vector<AgeRecipient>& recipients, Output output) {
  if (recipients.empty()) return Status::InvalidArgument("no recipient to encrypt to");
  for (const auto& r : recipients) {
    if (r.is_passphrase() && recipients.size() != 1) {
      return Status::InvalidArgument("a passphrase cannot be combined with other recipients");
    }
  }
  age_internal::FileKey file_key{};
  ossl::ScopedCleanse wipe(file_key.data(), file_key.size());
  EVIDENCE_RETURN_IF_ERROR(age_internal::RandomBytes(file_key.data(), file_key.size()));
  std::vector<age_internal::Stanza> stanzas;
  for (const auto& r : recipients) {
    EVIDENCE_ASSIGN_OR_RETURN(auto stanza, age_internal::WrapFileKey(r.data(), file_key));
    stanzas.push_back(std::move(stanza));
  }
  std::string header = age_internal::HeaderWithoutMac(stanzas);
  age_internal::Key32 mac{};
  EVIDENCE_RETURN_IF_ERROR(age_internal::HeaderMac(file_key, header, &mac));
  header += " " + age_internal::Base64EncodeRaw(mac) + "\n";
  std::uint8_t nonce[16];
  EVIDENCE_RETURN_IF_ERROR(age_internal::RandomBytes(nonce, sizeof nonce));
  auto impl = std::make_unique<Impl>();
  impl->output = std::move(output);
  EVIDENCE_RETURN_IF_ERROR(
      age_internal::Hkdf(file_key, ByteView(nonce, sizeof nonce), "payload", &impl->payload_key));
  header.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  EVIDENCE_RETURN_IF_ERROR(impl->output(AsBytes(header)));
  impl->pending.reserve(kChunkSize);
  return std::make_unique<AgeEncryptor>(std::move(impl));
}

// A full chunk is sealed only once more plaintext follows it: the final chunk, even a full one,
// carries the last-chunk flag.
Status AgeEncryptor::Write(ByteView plaintext) {
  if (impl_->finished || impl_->failed) {
    return Status::InvalidArgument("age: write after Finish or after an error");
  }
  while (!plaintext.empty()) {
    if (impl_->pending.size() == kChunkSize) {
      Status st = impl_->Seal(impl_->pending, false);
      OPENSSL_cleanse(impl_->pending.data(), impl_->pending.size());
      impl_->pending.clear();
      if (!st.ok()) {
        impl_->failed = true;
        return st;
      }
    }
    std::size_t take = std::min(plaintext.size(), kChunkSize - impl_->pending.size());
    impl_->pending.insert(impl_->pending.end(), plaintext.begin(), plaintext.begin() + take);
    plaintext = plaintext.subspan(take);
  }
  return Status::Ok();
}

Status AgeEncryptor::Finish() {
  if (impl_->finished || impl_->failed) {
    return Status::InvalidArgument("age: Finish called twice or after an error");
  }
  impl_->finished = true;
  Status st = impl_->Seal(impl_->pending, true);
  if (!impl_->pending.empty()) OPENSSL_cleanse(impl_->pending.data(), impl_->pending.size());
  impl_->pending.clear();
  return st;
}

AgeDecryptor::AgeDecryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AgeDecryptor::~AgeDecryptor() = default;

Result<std::unique_ptr<AgeDecryptor>> AgeDecryptor::Open(
    Input input, const std::vector<AgeIdentity>& identities) {
  age_internal::Failure failure;
  EVIDENCE_ASSIGN_OR_RETURN(auto impl,
                            age_internal::OpenReader(std::move(input), identities, &failure));
  return std::make_unique<AgeDecryptor>(std::move(impl));
}

Result<ByteView> AgeDecryptor::Next() { return impl_->Next(); }

bool LooksLikeAgeFile(ByteView head) {
  std::string_view text = AsChars(head);
  if (text.starts_with("age-encryption.org/")) return true;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                           text.front() == '\n')) {
    text.remove_prefix(1);
  }
  return text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----");
}

AgeDecryptor::Input AgeInputFromFd(int fd) {
  return [fd](std::span<std::uint8_t> out) -> Result<std::size_t> {
    while (true) {
      ssize_t n = ::read(fd, out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) {
        return Status::IoError(std::string("cannot read: ") + std::strerror(errno));
      }
    }
  };
}

// Writes to a temporary file beside `out` and links it into place only when it is complete and
// synced, so a crash or error never leaves a partial .age under the final name.
Status AgeEncryptFile(const std::filesystem::path& in, const std::filesystem::path& out,
                      const std::vector<AgeRecipient>& recipients) {
  UniqueFd src(::open(in.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!src) {
    if (errno == ENOENT) return Status::NotFound(in.string() + ": no such file");
    return ErrnoStatus(errno, in, "cannot open");
  }
  struct stat st {};
  if (::fstat(src.get(), &st) != 0) return ErrnoStatus(errno, in, "cannot read");
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(in.string() + ": not a regular file");
  std::string temp_name = out.string() + ".tmp-XXXXXX";
  UniqueFd dst(::mkstemp(temp_name.data()));
  if (!dst) return ErrnoStatus(errno, out, "cannot create a temporary file beside it");
  std::filesystem::path temp(temp_name);
  auto encrypt = [&]() -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(auto enc, AgeEncryptor::Start(recipients, [&](ByteView data) {
                                return WriteAll(dst.get(), data, temp);
                              }));
    Bytes buf(kChunkSize);
    auto input = AgeInputFromFd(src.get());
    while (true) {
      auto n = input(buf);
      if (!n.ok()) return n.status().WithContext(in.string());
      if (*n == 0) break;
      EVIDENCE_RETURN_IF_ERROR(enc->Write(ByteView(buf.data(), *n)));
    }
    OPENSSL_cleanse(buf.data(), buf.size());
    EVIDENCE_RETURN_IF_ERROR(enc->Finish());
    if (::fsync(dst.get()) != 0) return ErrnoStatus(errno, temp, "fsync");
    // link() refuses to replace an existing file, which rename() would do silently.
    if (::link(temp.c_str(), out.c_str()) != 0) {
      if (errno == EEXIST) return Status::AlreadyExists(out.string() + ": already exists");
      return ErrnoStatus(errno, out, "cannot create");
    }
    return Status::Ok();
  };
  Status result = encrypt();
  ::unlink(temp.c_str());
  if (!result.ok()) return result;
  UniqueFd dir(::open(out.parent_path().empty() ? "." : out.parent_path().c_str(),
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir && ::fsync(dir.get()) != 0) return ErrnoStatus(errno, out.parent_path(), "fsync");
  return Status::Ok();
}

}  // namespace evidence
