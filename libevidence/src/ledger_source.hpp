// A merkle::HashSource over the leaf hashes stored in a case's ledger.
#pragma once

#include <vector>

#include "evidence/merkle.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// Loads the stored leaf hashes of entries [0, size) once (32 bytes each).
class LedgerHashSource : public merkle::HashSource {
 public:
  static Result<LedgerHashSource> Load(sql::Database& db, std::uint64_t size);
  std::uint64_t size() const override { return leaves_.size(); }
  Result<merkle::Hash> LeafHash(std::uint64_t index) const override;

 private:
  std::vector<merkle::Hash> leaves_;
};

}  // namespace evidence
