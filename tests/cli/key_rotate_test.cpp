// `key rotate`: the old key endorses the new one in a key.added entry, checkpoints of both keys
// verify in their order, a checkpoint forged with the retired key does not, and an officer who
// trusts the old key accepts bundles signed by the new one through the disclosed endorsement.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/key_file.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> kPass = {
    {"EVIDENCE_PASSPHRASE", "correct horse battery staple"}};

class KeyRotate : public CliTest {
 protected:
  // The case is encrypted, so every command on it is given the passphrase unless a test says
  // otherwise.
  RunResult Ev(std::vector<std::string> args,
               const std::map<std::string, std::string>& env = kPass) {
    return CliTest::Ev(std::move(args), env);
  }

  void SetUp() override {
    auto r = Ev({"init", "--owner", "Test Owner"}, kPass);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Add("a.txt", "before the rotation\n");
  }
  void Add(const std::string& name, const std::string& content) {
    auto r = Ev({"add", WriteInput(name, content).string()}, kPass);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Fingerprint(const fs::path& dir) {
    return json::parse(
        RunEvidence({"-C", dir.string(), "--json", "key", "show"}, kPass).out)["fingerprint"];
  }
  fs::path Out(const std::string& name) { return tmp().path() / name; }
};

TEST_F(KeyRotate, RotateThenAddThenVerify) {
  std::string old_fp = Fingerprint(case_dir());
  auto r = Ev({"--json", "key", "rotate"}, kPass);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rot = json::parse(r.out);
  EXPECT_EQ(rot["old_fingerprint"], old_fp);
  std::string new_fp = rot["new_fingerprint"];
  EXPECT_NE(new_fp, old_fp);
  EXPECT_EQ(Fingerprint(case_dir()), new_fp);
  Add("b.txt", "after the rotation\n");  // the new key unlocks with the same passphrase

  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // The key.added entry names both keys and carries the old key's endorsement.
  auto added = json::parse(Ev({"--json", "log", "--action", "key.added"}).out);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[1]["data"]["fingerprint"], new_fp);
  EXPECT_EQ(added[1]["data"]["previous_fingerprint"], old_fp);
  EXPECT_TRUE(added[1]["data"].contains("endorsement"));

  // Checkpoints before the rotation carry the old key's id, those after it the new key's.
  std::set<std::uint32_t> ids;
  for (const auto& note : [&] {
         std::vector<std::string> notes;
         std::string rows = Sql("SELECT hex(note) FROM checkpoints ORDER BY id;");
         std::size_t pos = 0;
         while (pos < rows.size()) {
           std::size_t nl = rows.find('\n', pos);
           auto bytes = HexDecode(rows.substr(pos, nl - pos));
           if (bytes.ok()) notes.emplace_back(bytes->begin(), bytes->end());
           pos = nl + 1;
         }
         return notes;
       }()) {
    auto cp = ParseCheckpointNote(note);
    ASSERT_TRUE(cp.ok());
    ids.insert(cp->signatures[0].key_id);
  }
  EXPECT_EQ(ids.size(), 2u);

  // The retired private key is gone; its public key stays.
  std::size_t private_keys = 0;
  for (const auto& e : fs::directory_iterator(case_dir() / "keys")) {
    private_keys += e.path().extension() == ".key";
  }
  EXPECT_EQ(private_keys, 1u);
}

TEST_F(KeyRotate, CheckpointForgedWithTheRetiredKeyIsRejected) {
  // Someone kept a copy of the old key file (and knows its passphrase).
  std::string old_key_file = ReadFile(case_dir() / "keys" / "test-owner.key");
  ASSERT_EQ(Ev({"key", "rotate"}, kPass).exit_code, 0);
  Add("b.txt", "after the rotation\n");
  ASSERT_EQ(Ev({"verify"}).exit_code, 0);

  std::string uuid = json::parse(ReadFile(case_dir() / "case.json"))["uuid"];
  auto old_key = OpenSigningKey(old_key_file, uuid, std::string("correct horse battery staple"));
  ASSERT_TRUE(old_key.ok()) << old_key.status().message();
  auto latest = ParseCheckpointNote(Ev({"checkpoint"}).out);
  ASSERT_TRUE(latest.ok());
  auto forged = SignCheckpoint(latest->checkpoint, "test-owner", *old_key);
  ASSERT_TRUE(forged.ok());
  std::string quoted;
  for (char ch : *forged) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
  Sql("INSERT INTO checkpoints(size, note, created) VALUES (" +
      std::to_string(latest->checkpoint.size) + ", '" + quoted + "', '2026-01-01T00:00:00Z');");

  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("a checkpoint after a rotation must be signed by the new key"),
            std::string::npos)
      << v.out;
}

TEST_F(KeyRotate, WrongPassphraseChangesNothing) {
  std::string before = Snapshot();
  auto r = Ev({"key", "rotate"}, {{"EVIDENCE_PASSPHRASE", "wrong"}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(KeyRotate, TrustInTheOldKeyCarriesOverThroughTheEndorsement) {
  auto pem = Ev({"key", "export-public"});
  ASSERT_EQ(pem.exit_code, 0);
  WriteFile(Out("old.pub.pem"), pem.out);
  std::string old_fp = Fingerprint(case_dir());
  ASSERT_EQ(Ev({"export", "--out", Out("before.zip").string()}, kPass).exit_code, 0);
  fs::path before_cp = Out("before.cp");
  WriteFile(before_cp, Ev({"checkpoint"}).out);

  ASSERT_EQ(Ev({"key", "rotate"}, kPass).exit_code, 0);
  std::string new_fp = Fingerprint(case_dir());
  Add("b.txt", "after the rotation\n");
  ASSERT_EQ(Ev({"export", "--out", Out("after.zip").string()}, kPass).exit_code, 0);

  auto v = RunEvidence({"verify-bundle", "--verbose", Out("after.zip").string(), "--trust",
                        Out("old.pub.pem").string(), "--since-checkpoint", before_cp.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("signer " + new_fp + " endorsed by trusted key " + old_fp + " (entry seq"),
            std::string::npos)
      << v.out;
  EXPECT_NE(v.out.find("ok    key  entry"), std::string::npos) << v.out;

  // The JSON report still validates its check names (schemas/verification-report.schema.json).
  auto j = json::parse(RunEvidence({"--json", "verify-bundle", Out("after.zip").string()}).out);
  EXPECT_TRUE(j["ok"].get<bool>());

  // A key nobody endorsed is not trusted.
  fs::path other = tmp().path() / "other";
  ASSERT_EQ(RunEvidence({"-C", other.string(), "init", "--no-passphrase"}).exit_code, 0);
  WriteFile(Out("other.pub.pem"), RunEvidence({"-C", other.string(), "key", "export-public"}).out);
  auto untrusted = RunEvidence(
      {"verify-bundle", Out("after.zip").string(), "--trust", Out("other.pub.pem").string()});
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.out;
  EXPECT_NE(untrusted.out.find("FAIL  trust"), std::string::npos) << untrusted.out;
  // Trust does not run backwards: the new key does not vouch for the old one.
  WriteFile(Out("new.pub.pem"), Ev({"key", "export-public"}).out);
  EXPECT_EQ(RunEvidence({"verify-bundle", Out("before.zip").string(), "--trust",
                         Out("new.pub.pem").string()})
                .exit_code,
            1);
}

TEST_F(KeyRotate, ReceiveWorksAfterRotationOnEitherSide) {
  ASSERT_EQ(Ev({"key", "rotate"}, kPass).exit_code, 0);
  ASSERT_EQ(Ev({"export", "--out", Out("victim.zip").string()}, kPass).exit_code, 0);

  fs::path officer = tmp().path() / "officer";
  auto officer_ev = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"-C", officer.string()});
    return RunEvidence(args);
  };
  ASSERT_EQ(officer_ev({"init", "--no-passphrase", "--owner", "PC Smith", "--exhibit-prefix", "PS"})
                .exit_code,
            0);
  ASSERT_EQ(officer_ev({"key", "rotate", "--no-passphrase"}).exit_code, 0);
  auto recv = officer_ev({"receive", Out("victim.zip").string()});
  ASSERT_EQ(recv.exit_code, 0) << recv.out << recv.err;
  EXPECT_EQ(officer_ev({"verify"}).exit_code, 0);
  ASSERT_EQ(officer_ev({"export", "--out", Out("officer.tar").string()}).exit_code, 0);
  auto v = RunEvidence({"verify-bundle", Out("officer.tar").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

}  // namespace
}  // namespace evidence::testing
