// Uses libevidence the way an outside program would: public headers only, from an installed
// prefix. Prints one "name=value" line per check; tests/install/consumer_test.cmake compares them
// with known answers (FIPS 180-2 and the RFC 6962 reference vectors).
#include <cstdio>
#include <string>
#include <vector>

#include <evidence/bytes.hpp>
#include <evidence/canonical_json.hpp>
#include <evidence/hash.hpp>
#include <evidence/merkle.hpp>
#include <evidence/status.hpp>

namespace {

int Fail(const char* what, const evidence::Status& status) {
  std::fprintf(stderr, "consumer: %s: %s\n", what, status.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  std::printf("sha256(abc)=%s\n", evidence::DigestHex(evidence::Sha256::Of("abc")).c_str());

  // The eight leaves of the RFC 6962 reference tree.
  const std::vector<std::string> hex_leaves = {"",
                                               "00",
                                               "10",
                                               "2021",
                                               "3031",
                                               "40414243",
                                               "5051525354555657",
                                               "606162636465666768696a6b6c6d6e6f"};
  std::vector<evidence::merkle::Hash> leaf_hashes;
  for (const std::string& hex : hex_leaves) {
    evidence::Result<evidence::Bytes> leaf = evidence::HexDecode(hex);
    if (!leaf.ok()) return Fail("hex decode", leaf.status());
    leaf_hashes.push_back(evidence::merkle::LeafHash(*leaf));
  }
  std::printf("merkle_root(8)=%s\n",
              evidence::DigestHex(evidence::merkle::RootFromLeafHashes(leaf_hashes)).c_str());

  evidence::merkle::SpanHashSource source(leaf_hashes);
  evidence::Result<std::vector<evidence::merkle::Hash>> proof =
      evidence::merkle::InclusionProof(source, 5, 8);
  if (!proof.ok()) return Fail("inclusion proof", proof.status());
  const evidence::Status included = evidence::merkle::VerifyInclusion(
      5, 8, leaf_hashes[5], *proof, evidence::merkle::RootFromLeafHashes(leaf_hashes));
  const std::string inclusion_outcome = included.ok() ? "ok" : included.ToString();
  std::printf("inclusion(5,8)=%s\n", inclusion_outcome.c_str());

  const nlohmann::json entry = {
      {"seq", 7}, {"action", "item.ingested"}, {"data", {{"b", 1}, {"a", "é"}}}};
  evidence::Result<std::string> canonical = evidence::CanonicalJson(entry);
  if (!canonical.ok()) return Fail("canonical json", canonical.status());
  std::printf("canonical=%s\n", canonical->c_str());

  // Floating-point numbers have no canonical spelling, so they must be refused.
  evidence::Result<std::string> with_float = evidence::CanonicalJson(nlohmann::json{{"x", 1.5}});
  const std::string float_outcome =
      with_float.ok() ? "accepted"
                      : std::string(evidence::StatusCodeName(with_float.status().code()));
  std::printf("float=%s\n", float_outcome.c_str());
  return 0;
}
