// VerifyBundle on bundles built by make_bundle.py: valid bundles in every container and member
// order verify with one line per check and per item; each mutation, named after what it changes,
// fails with a line that names the culprit.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "bundle_fixture.hpp"
#include "evidence/bundle.hpp"

namespace evidence::bundle_test {
namespace {

using evidence::testing::ReadFile;
using evidence::testing::WriteFile;

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s) {
    if (c == '.' || c == '-') c = '_';
  }
  return s;
}

// ---- Valid bundles ----

class ValidBundle : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidBundle, VerifiesWithOneLinePerCheckAndItem) {
  TempDir dir;
  Built b = MakeBundle(dir, "case-export." + GetParam());
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.file, b.file.string());
  EXPECT_EQ(r.top_folder, "case-export");
  EXPECT_EQ(r.case_uuid, b.info["case_uuid"]);
  EXPECT_EQ(r.items, 3u);
  EXPECT_EQ(r.payload_bytes, b.info["payload_bytes"].get<std::uint64_t>());
  EXPECT_EQ(r.exported.size(), 24u) << r.exported;
  ASSERT_EQ(r.signers.size(), 1u);
  EXPECT_EQ(r.signers[0].role, "exporter");
  EXPECT_EQ(r.signers[0].key_name, "jane-doe");
  EXPECT_EQ(r.signers[0].fingerprint, b.info["fingerprint"]);
  EXPECT_EQ(r.signers[0].case_uuid, b.info["case_uuid"]);
  EXPECT_EQ(r.signers[0].tree_size, b.info["tree_size"].get<std::uint64_t>());

  const BundleCheck* archive = FindCheck(r, "archive", "case-export." + GetParam());
  ASSERT_NE(archive, nullptr) << Describe(r);
  EXPECT_NE(archive->detail.find(GetParam() + " archive"), std::string::npos) << archive->detail;
  EXPECT_NE(FindCheck(r, "bagit", "bagit.txt"), nullptr);
  EXPECT_NE(FindCheck(r, "bagit", "bag-info.txt"), nullptr);
  for (const auto& p : b.info["payload"]) {
    EXPECT_NE(FindCheck(r, "payload", p.get<std::string>()), nullptr) << p;
  }
  for (const auto& m : b.info["members"]) {
    std::string member = m;
    if (member.rfind("data/", 0) == 0 || member.rfind("tagmanifest-sha256", 0) == 0) continue;
    EXPECT_NE(FindCheck(r, "bagit", member), nullptr) << member;
  }
  EXPECT_NE(FindCheck(r, "signature", "tagmanifest-sha256.sig"), nullptr);
  const BundleCheck* trust = FindCheck(r, "trust", "evidence/signer.pub.pem");
  ASSERT_NE(trust, nullptr);
  EXPECT_EQ(trust->detail,
            "UNCONFIRMED: not checked against a known key; confirm the fingerprint " +
                b.info["fingerprint"].get<std::string>() + " with the sender by another channel");
  EXPECT_FALSE(r.signer_confirmed);
  EXPECT_NE(FindCheck(r, "checkpoint", "evidence/checkpoint"), nullptr);
  EXPECT_NE(FindCheck(r, "ledger", "evidence/ledger.jsonl"), nullptr);
  for (const auto& seq : b.info["disclosed"]) {
    EXPECT_NE(FindCheck(r, "proof", "entry " + std::to_string(seq.get<int>())), nullptr) << seq;
  }
  for (const auto& ex : b.info["exhibits"]) {
    const BundleCheck* item = FindCheck(r, "item", ex.get<std::string>());
    ASSERT_NE(item, nullptr) << ex;
    EXPECT_EQ(item->detail.rfind("sha256 and every field match its item.ingested entry ", 0), 0u)
        << item->detail;
  }
  EXPECT_NE(FindCheck(r, "incident", "INC-0001"), nullptr);
  EXPECT_NE(FindCheck(r, "export", "entry " + std::to_string(b.info["export_entry"].get<int>())),
            nullptr);

  EXPECT_EQ(r.tag_files.count("bagit.txt"), 1u);
  EXPECT_EQ(r.tag_files.count("evidence/ledger.jsonl"), 1u);
  for (const auto& [path, bytes] : r.tag_files) EXPECT_NE(path.rfind("data/", 0), 0u) << path;
}

INSTANTIATE_TEST_SUITE_P(Formats, ValidBundle, ::testing::Values("zip", "tar", "tar.gz"), TestName);

class AnyMemberOrder : public ::testing::TestWithParam<std::string> {};

TEST_P(AnyMemberOrder, Verifies) {
  TempDir dir;
  for (const char* order : {"payload-first", "reverse"}) {
    SCOPED_TRACE(order);
    Built b = MakeBundle(dir, "b." + GetParam(), {"--order", order});
    ASSERT_TRUE(b.ok);
    BundleReport r = MustVerify(b.file);
    EXPECT_TRUE(r.ok()) << Describe(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, AnyMemberOrder, ::testing::Values("zip", "tar", "tar.gz"),
                         TestName);

TEST(ValidBundle, ZipWithDataDescriptorsVerifies) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--zip-stream"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_TRUE(r.ok()) << Describe(r);
}

TEST(ValidBundle, ArchiveFormatIsTakenFromTheContentNotTheName) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar.gz");
  ASSERT_TRUE(b.ok);
  fs::path renamed = dir / "b.zip";
  fs::rename(b.file, renamed);
  BundleReport r = MustVerify(renamed);
  EXPECT_TRUE(r.ok()) << Describe(r);
}

// ---- --trust ----

TEST(Trust, MatchingPemFileOrFingerprintPasses) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  std::string fp = b.info["fingerprint"];
  std::string upper = "SHA256:";
  for (char c : fp.substr(7)) upper.push_back(static_cast<char>(std::toupper(c)));
  for (const std::string& trust : {(b.keys / "signer.pub.pem").string(), fp, upper}) {
    SCOPED_TRACE(trust);
    VerifyBundleOptions options;
    options.trust = trust;
    BundleReport r = MustVerify(b.file, options);
    EXPECT_TRUE(r.ok()) << Describe(r);
    const BundleCheck* t = FindCheck(r, "trust", "evidence/signer.pub.pem");
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->ok);
    EXPECT_EQ(t->detail, "the exporter is the trusted key " + fp);
  }
}

TEST(Trust, AnotherKeyFailsTheTrustCheckOnly) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  for (const std::string& trust :
       {(b.keys / "other.pub.pem").string(), b.info["other_fingerprint"].get<std::string>()}) {
    VerifyBundleOptions options;
    options.trust = trust;
    BundleReport r = MustVerify(b.file, options);
    auto failures = Failures(r);
    ASSERT_EQ(failures.size(), 1u) << Describe(r);
    EXPECT_EQ(failures[0].check, "trust");
    EXPECT_NE(failures[0].detail.find(b.info["other_fingerprint"].get<std::string>()),
              std::string::npos);
    EXPECT_NE(failures[0].detail.find("is not the trusted key"), std::string::npos);
  }
}

TEST(Trust, UnusableOptionIsAnError) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  VerifyBundleOptions options;
  options.trust = (dir / "missing.pem").string();
  EXPECT_EQ(VerifyBundle(b.file, options).status().code(), StatusCode::kNotFound);
  options.trust = "SHA256:1234";
  EXPECT_EQ(VerifyBundle(b.file, options).status().code(), StatusCode::kInvalidArgument);
  WriteFile(dir / "junk.pem", "not a key\n");
  options.trust = (dir / "junk.pem").string();
  EXPECT_EQ(VerifyBundle(b.file, options).status().code(), StatusCode::kInvalidArgument);
}

// ---- Custody, timestamps, --since-checkpoint ----

TEST(Custody, ChainOfTwoEarlierCustodiansVerifies) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar.gz", {"--custody", "2"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_TRUE(r.ok()) << Describe(r);
  ASSERT_EQ(r.signers.size(), 3u);
  EXPECT_EQ(r.signers[0].role, "exporter");
  for (int k = 1; k <= 2; ++k) {
    const auto& s = r.signers[k];
    const auto& expected = b.info["custodians"][k - 1];
    EXPECT_EQ(s.role, "custodian " + std::to_string(k));
    EXPECT_EQ(s.fingerprint, expected["fingerprint"]);
    EXPECT_EQ(s.case_uuid, expected["case_uuid"]);
    EXPECT_EQ(s.key_name, expected["key_name"]);
    EXPECT_GT(s.tree_size, 0u);
    EXPECT_NE(FindCheck(r, "custody", "custody " + std::to_string(k)), nullptr);
    EXPECT_NE(FindCheck(r, "checkpoint", "evidence/custody/" + std::to_string(k) + "/checkpoint"),
              nullptr);
  }
  // EX-0001 came through both custodians: each hop is checked against the sender's records.
  const BundleCheck* hop = FindCheck(r, "custody", "EX-0001");
  ASSERT_NE(hop, nullptr) << Describe(r);
  EXPECT_NE(hop->detail.find("custody 2"), std::string::npos) << hop->detail;
  EXPECT_NE(FindCheck(r, "custody", "custody 2 EX-0001"), nullptr) << Describe(r);
}

TEST(Custody, BundleReceivedNamingAnotherCheckpointFails) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--custody", "1", "--mutate", "received-checkpoint"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  auto failures = Failures(r);
  ASSERT_EQ(failures.size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "custody", "custody 1", "no disclosed bundle.received entry"))
      << Describe(r);
}

TEST(Timestamps, ATokenOverTheCheckpointSaysWhenItExisted) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar", {"--timestamp"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_TRUE(r.ok()) << Describe(r);
  ASSERT_EQ(r.timestamps.size(), 1u) << Describe(r);
  const BundleTimestamp& ts = r.timestamps[0];
  const BundleCheck* t = FindCheck(r, "timestamp", ts.file);
  ASSERT_NE(t, nullptr) << Describe(r);
  EXPECT_TRUE(t->ok);
  EXPECT_NE(
      t->detail.find("checkpoint of size " + std::to_string(ts.checkpoint_size) + " existed at "),
      std::string::npos)
      << t->detail;
  EXPECT_NE(t->detail.find("TSA: CN=make_bundle TSA"), std::string::npos) << t->detail;
  EXPECT_FALSE(ts.chain_checked);
  EXPECT_TRUE(ts.consistent);  // it covers the bundle's own checkpoint
}

TEST(SinceCheckpoint, OlderOrSameCheckpointOfTheCase) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  VerifyBundleOptions options;
  options.since_checkpoint = b.keys / "older.checkpoint";
  BundleReport r = MustVerify(b.file, options);
  // Without a carried consistency proof, growth is not shown.
  EXPECT_TRUE(Fails(r, "consistency", options.since_checkpoint->string(),
                    "carries no consistency proof from size"))
      << Describe(r);

  options.since_checkpoint = b.keys / "same.checkpoint";
  r = MustVerify(b.file, options);
  EXPECT_TRUE(r.ok()) << Describe(r);

  WriteFile(dir / "junk.checkpoint", "junk\n");
  options.since_checkpoint = dir / "junk.checkpoint";
  EXPECT_EQ(VerifyBundle(b.file, options).status().code(), StatusCode::kInvalidArgument);
  options.since_checkpoint = dir / "missing.checkpoint";
  EXPECT_EQ(VerifyBundle(b.file, options).status().code(), StatusCode::kNotFound);
}

// The proof written by make_bundle.py (an independent Python implementation of RFC 9162
// section 2.1.4.1) verifies; one flipped bit in it does not.
TEST(SinceCheckpoint, CarriedConsistencyProofShowsTheLedgerOnlyGrew) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--consistency"});
  Built bad = MakeBundle(dir, "bad.zip", {"--consistency", "--mutate", "consistency-bit"});
  ASSERT_TRUE(b.ok && bad.ok);
  VerifyBundleOptions options;
  options.since_checkpoint = b.keys / "older.checkpoint";
  BundleReport r = MustVerify(b.file, options);
  EXPECT_TRUE(r.ok()) << Describe(r);
  const BundleCheck* c = FindCheck(r, "consistency", options.since_checkpoint->string());
  ASSERT_NE(c, nullptr) << Describe(r);
  EXPECT_NE(c->detail.find("the consistency proof verifies"), std::string::npos) << c->detail;

  options.since_checkpoint = bad.keys / "older.checkpoint";
  r = MustVerify(bad.file, options);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Fails(r, "consistency", options.since_checkpoint->string(), "does not verify"))
      << Describe(r);
}

TEST(SinceCheckpoint, ACheckpointOfAnotherSignerFails) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  Built other = MakeBundle(dir, "o.tar", {"--custody", "1"});  // another case and key
  ASSERT_TRUE(b.ok && other.ok);
  VerifyBundleOptions options;
  options.since_checkpoint = other.keys / "same.checkpoint";
  BundleReport r = MustVerify(b.file, options);
  EXPECT_TRUE(Fails(r, "consistency", options.since_checkpoint->string(), "not signed"))
      << Describe(r);
}

// ---- The JSON report ----

void ExpectValidJson(const BundleReport& r, const TempDir& dir) {
  nlohmann::json j = BundleReportJson(r);
  EXPECT_EQ(j["ok"], r.ok());
  EXPECT_EQ(j["verdict"], r.ok() ? "verified" : "not verified");
  EXPECT_EQ(j["checks"].size(), r.checks.size());
  fs::path file = dir / "report.json";
  WriteFile(file, j.dump());
  fs::path schema = fs::path(EVIDENCE_SOURCE_DIR) / "schemas" / "verification-report.schema.json";
  auto v = RunProgram(
      {"/usr/bin/python3", "-c",
       "import json, sys, jsonschema\n"
       "schema = json.load(open(sys.argv[2]))\n"
       "jsonschema.Draft202012Validator.check_schema(schema)\n"
       "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[1])))\n",
       file.string(), schema.string()});
  EXPECT_EQ(v.exit_code, 0) << v.err << "\n" << j.dump(2);
}

TEST(ReportJson, ValidatesAgainstTheSchema) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar.gz", {"--custody", "1", "--timestamp"});
  Built bad = MakeBundle(dir, "bad.zip", {"--mutate", "flip:evidence/proofs.json"});
  Built hostile = MakeBundle(dir, "h.tar", {"--mutate", "hostile:symlink"});
  ASSERT_TRUE(b.ok && bad.ok && hostile.ok);
  BundleReport ok = MustVerify(b.file);
  EXPECT_TRUE(ok.ok());
  ExpectValidJson(ok, dir);
  nlohmann::json j = BundleReportJson(ok);
  EXPECT_EQ(j["signers"].size(), 2u);
  EXPECT_EQ(j["signers"][1]["role"], "custodian 1");
  EXPECT_EQ(j["items"], 3);
  EXPECT_EQ(j["top_folder"], "b");
  for (const auto& c : j["checks"]) EXPECT_TRUE(c["ok"].get<bool>()) << c;

  BundleReport failed = MustVerify(bad.file);
  EXPECT_FALSE(failed.ok());
  ExpectValidJson(failed, dir);
  BundleReport refused = MustVerify(hostile.file);
  EXPECT_FALSE(refused.ok());
  ExpectValidJson(refused, dir);
}

// The builder follows the same contract as the exporter: its items.json validates against the
// schema docs/bundle.md names.
TEST(MakeBundle, ItemsJsonValidatesAgainstItsSchema) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(r.tag_files.count("evidence/items.json"), 1u);
  WriteFile(dir / "items.json", r.tag_files["evidence/items.json"]);
  fs::path schema = fs::path(EVIDENCE_SOURCE_DIR) / "schemas" / "items.schema.json";
  auto v = RunProgram(
      {"/usr/bin/python3", "-c",
       "import json, sys, jsonschema\n"
       "schema = json.load(open(sys.argv[2]))\n"
       "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[1])))\n",
       (dir / "items.json").string(), schema.string()});
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

// ---- Mutations: each fails with a line naming the culprit ----

bool NamesCulprit(const BundleReport& r, const std::string& member) {
  for (const auto& c : Failures(r)) {
    if (c.subject == member || c.detail.find(member) != std::string::npos) return true;
  }
  return false;
}

class OneByteChangedInEachFile : public ::testing::TestWithParam<std::string> {};

// Every member of a bundle with custody records and a timestamp, payload and tag files alike.
TEST_P(OneByteChangedInEachFile, FailsNamingThatFile) {
  TempDir dir;
  fs::path variants = dir / "flipped";
  Built base = MakeBundle(dir, "base." + GetParam(),
                          {"--custody", "1", "--timestamp", "--flip-each", variants.string()});
  ASSERT_TRUE(base.ok);
  EXPECT_TRUE(MustVerify(base.file).ok());
  auto index = nlohmann::json::parse(ReadFile(variants / "index.json"));
  ASSERT_EQ(index.size(), base.info["members"].size());
  ASSERT_GE(index.size(), 20u);
  for (const auto& [member, file] : index.items()) {
    SCOPED_TRACE(member);
    BundleReport r = MustVerify(file.get<std::string>());
    EXPECT_FALSE(r.ok()) << Describe(r);
    EXPECT_TRUE(NamesCulprit(r, member)) << Describe(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, OneByteChangedInEachFile,
                         ::testing::Values("zip", "tar", "tar.gz"), TestName);

class PayloadByteChanged : public ::testing::TestWithParam<std::string> {};

TEST_P(PayloadByteChanged, FailsThePayloadAndItsItem) {
  TempDir dir;
  const std::string path = "data/items/EX-0001/photo 1.jpg";
  Built b = MakeBundle(dir, "b." + GetParam(), {"--mutate", "flip:" + path});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_TRUE(Fails(r, "payload", path, "but manifest-sha256.txt says")) << Describe(r);
  EXPECT_TRUE(Fails(r, "item", "EX-0001", "differs from its item.ingested entry")) << Describe(r);
  EXPECT_EQ(Failures(r).size(), 2u) << Describe(r);
}

INSTANTIATE_TEST_SUITE_P(Formats, PayloadByteChanged, ::testing::Values("zip", "tar", "tar.gz"),
                         TestName);

TEST(Mutation, RemovedFile) {
  TempDir dir;
  for (const std::string member :
       {"data/items/EX-0002/50% off, café.txt", "evidence/proofs.json", "evidence/report.html",
        "tagmanifest-sha256.sig", "tagmanifest-sha256.txt", "bagit.txt", "bag-info.txt",
        "manifest-sha256.txt", "evidence/custody/1/checkpoint", "evidence/signer.pub.pem"}) {
    SCOPED_TRACE(member);
    Built b = MakeBundle(dir, "rm.zip", {"--custody", "1", "--mutate", "remove:" + member});
    ASSERT_TRUE(b.ok);
    BundleReport r = MustVerify(b.file);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(NamesCulprit(r, member)) << Describe(r);
  }
}

TEST(Mutation, AddedFile) {
  TempDir dir;
  struct Case {
    std::string member, check, needle;
  };
  for (const Case& c : {Case{"data/items/EX-0001/extra.txt", "payload", "not listed in manifest"},
                        Case{"evidence/extra.txt", "bagit", "not listed in tagmanifest"},
                        Case{"fetch.txt", "bagit", "not listed in tagmanifest"}}) {
    SCOPED_TRACE(c.member);
    Built b = MakeBundle(dir, "add.tar", {"--mutate", "add:" + c.member});
    ASSERT_TRUE(b.ok);
    BundleReport r = MustVerify(b.file);
    EXPECT_TRUE(Fails(r, c.check, c.member, c.needle)) << Describe(r);
  }
}

TEST(Mutation, SwappedSignature) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar.gz", {"--mutate", "swap-sig"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(Failures(r).size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "signature", "tagmanifest-sha256.sig",
                    "does not verify over tagmanifest-sha256.txt"))
      << Describe(r);
}

TEST(Mutation, ResignedWithAnotherKey) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--mutate", "resign-other-key"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_FALSE(r.ok());
  // The new key signs the tag manifest, but the signed records are not its own.
  const BundleCheck* sig = FindCheck(r, "signature", "tagmanifest-sha256.sig");
  ASSERT_NE(sig, nullptr);
  EXPECT_TRUE(sig->ok) << sig->detail;
  EXPECT_TRUE(
      Fails(r, "checkpoint", "evidence/checkpoint", "no signature line by the signer's key"))
      << Describe(r);
  EXPECT_TRUE(Fails(r, "signature", "evidence/signer.pub.pem", "not the key of any disclosed"))
      << Describe(r);
  // And the officer who holds the sender's key sees it at once.
  VerifyBundleOptions options;
  options.trust = (b.keys / "signer.pub.pem").string();
  r = MustVerify(b.file, options);
  EXPECT_TRUE(Fails(r, "trust", "evidence/signer.pub.pem",
                    b.info["other_fingerprint"].get<std::string>() + " is not the trusted key " +
                        b.info["fingerprint"].get<std::string>()))
      << Describe(r);
}

TEST(Mutation, ProofWithOneBitChanged) {
  TempDir dir;
  int seq = 2;  // EX-0001's item.ingested entry
  Built b = MakeBundle(dir, "b.tar", {"--mutate", "proof-bit:" + std::to_string(seq)});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(Failures(r).size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "proof", "entry 2", "does not verify: inclusion proof leads to root"))
      << Describe(r);
}

TEST(Mutation, OlderCheckpoint) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar.gz", {"--mutate", "older-checkpoint"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_FALSE(r.ok());
  std::uint64_t n = b.info["tree_size"];
  EXPECT_TRUE(Fails(r, "proof", "evidence/proofs.json",
                    "tree_size " + std::to_string(n) + " differs from the checkpoint's size " +
                        std::to_string(n - 1)))
      << Describe(r);
  EXPECT_TRUE(Fails(r, "proof", "entry 0")) << Describe(r);
}

TEST(Mutation, ItemHashDiffersFromItsEntry) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--mutate", "item-hash:EX-0002"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(Failures(r).size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "item", "EX-0002", "differs from its item.ingested entry")) << Describe(r);
}

TEST(Mutation, ExportCreatedManifestHashWrong) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar", {"--mutate", "export-hash"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(Failures(r).size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "export", "entry " + std::to_string(b.info["export_entry"].get<int>()),
                    "records manifest_sha256"))
      << Describe(r);
}

TEST(Mutation, ManifestPathOutsideData) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar", {"--mutate", "manifest-outside-data"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  ASSERT_EQ(Failures(r).size(), 1u) << Describe(r);
  EXPECT_TRUE(Fails(r, "payload", "bagit.txt", "outside data/")) << Describe(r);

  b = MakeBundle(dir, "b.tar", {"--mutate", "manifest-dotdot"});
  ASSERT_TRUE(b.ok);
  r = MustVerify(b.file);
  EXPECT_TRUE(Fails(r, "bagit", "manifest-sha256.txt", "unsafe path \"data/../../etc/passwd\""))
      << Describe(r);
}

}  // namespace
}  // namespace evidence::bundle_test
