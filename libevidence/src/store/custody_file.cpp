#include "custody_file.hpp"

#include "column_cipher.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {
std::string Row(std::uint64_t k, std::string_view path) {
  return std::to_string(k) + "/" + std::string(path);
}
}  // namespace

Result<std::string> SealCustodyFile(const CaseKey* key, std::uint64_t k, std::string_view path,
                                    std::string_view content) {
  if (key == nullptr) return std::string(content);
  EVIDENCE_ASSIGN_OR_RETURN(
      Bytes sealed,
      ColumnCipher(key->ledger_columns()).Seal("custody", Row(k, path), AsBytes(content)));
  return std::string(sealed.begin(), sealed.end());
}

Result<std::string> OpenCustodyFile(const CaseKey* key, std::uint64_t k, std::string_view path,
                                    std::string stored) {
  if (key == nullptr) return stored;
  EVIDENCE_ASSIGN_OR_RETURN(
      auto plain,
      ColumnCipher(key->ledger_columns()).Open("custody", Row(k, path), AsBytes(stored)));
  if (!plain) {
    return Status::VerificationFailed("custody/" + Row(k, path) +
                                      ": does not decrypt with the case key (altered, or moved "
                                      "from another file)");
  }
  return std::string(plain->begin(), plain->end());
}

}  // namespace evidence
