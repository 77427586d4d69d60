#include "evidence/hash.hpp"

#include <cstdlib>

#include "openssl_util.hpp"

namespace evidence {

struct Sha256::Impl {
  ossl::MdCtxPtr ctx{EVP_MD_CTX_new()};
};

namespace {
// SHA-256 through EVP fails only when memory is exhausted or the default provider is missing;
// neither leaves anything sensible to do, and a wrong digest would be worse than stopping.
void CheckOrAbort(bool ok) {
  if (!ok) std::abort();
}

// Fetched once: an implicit fetch on every init costs more than hashing a Merkle node.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    CheckOrAbort(m != nullptr);
    return m;
  }();
  return md;
}
}  // namespace

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  CheckOrAbort(impl_->ctx != nullptr);
  CheckOrAbort(EVP_DigestInit_ex(impl_->ctx.get(), Sha256Md(), nullptr) == 1);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(ByteView data) {
  CheckOrAbort(EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) == 1);
}

Sha256Digest Sha256::Finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  CheckOrAbort(EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) == 1 && len == out.size());
  CheckOrAbort(EVP_DigestInit_ex(impl_->ctx.get(), Sha256Md(), nullptr) == 1);
  return out;
}

Sha256Digest Sha256::Of(ByteView data) {
  // One context per thread, reused, so hashing millions of small Merkle nodes allocates nothing.
  thread_local Sha256 hasher;
  hasher.Update(data);
  return hasher.Finish();
}

Result<Sha256Digest> DigestFromHex(std::string_view hex) {
  if (hex.size() != 64) return Status::InvalidArgument("a SHA-256 digest is 64 hex digits");
  auto bytes = HexDecode(hex);
  if (!bytes.ok()) return bytes.status();
  Sha256Digest d{};
  std::copy(bytes->begin(), bytes->end(), d.begin());
  return d;
}

}  // namespace evidence
