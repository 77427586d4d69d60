#include "column_cipher.hpp"

#include <openssl/rand.h>

#include <string>

#include "gcm.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// "evidence column v1", the column and the row, each ended by a NUL so that no two (column, row)
// pairs give the same bytes.
Bytes AssociatedData(std::string_view column, std::string_view row) {
  std::string aad = "evidence column v1";
  aad.push_back('\0');
  aad.append(column);
  aad.push_back('\0');
  aad.append(row);
  aad.push_back('\0');
  return Bytes(aad.begin(), aad.end());
}

}  // namespace

Result<Bytes> ColumnCipher::Seal(std::string_view column, std::string_view row,
                                 ByteView plain) const {
  Bytes out(gcm::kNonceSize);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return Status::IoError("random nonce: " + ossl::DrainErrors());
  }
  EVIDENCE_ASSIGN_OR_RETURN(Bytes sealed, cipher_.Seal(out, AssociatedData(column, row), plain));
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

Result<std::optional<Bytes>> ColumnCipher::Open(std::string_view column, std::string_view row,
                                                ByteView sealed) const {
  if (sealed.size() < kOverhead) return std::optional<Bytes>();
  Bytes plain(sealed.size() - kOverhead);
  EVIDENCE_ASSIGN_OR_RETURN(bool opened,
                            cipher_.Open(sealed.first(gcm::kNonceSize), AssociatedData(column, row),
                                         sealed.subspan(gcm::kNonceSize), plain));
  if (!opened) return std::optional<Bytes>();
  return std::optional<Bytes>(std::move(plain));
}

}  // namespace evidence
