// `evidence timestamp request/attach`, `verify` and `export`/`verify-bundle` with tokens, through
// the real binary and a local `openssl ts -reply` TSA; `openssl ts -verify` accepts what is stored.
#include <nlohmann/json.hpp>

#include "../cli/cli_fixture.hpp"
#include "evidence/hash.hpp"
#include "local_tsa.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

class TimestampCli : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    auto add = Ev({"add", WriteInput("note.txt", "He waited outside again.\n").string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }

  fs::path In(const std::string& name) const { return tmp().path() / name; }

  // `timestamp request --out`, returning the checkpoint size it covers.
  std::uint64_t Request(const fs::path& out) {
    auto r = Ev({"--json", "timestamp", "request", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["tree_size"].get<std::uint64_t>();
  }

  // Attaching `tsr` must fail with `code`, print one error line naming the file and `what`, and
  // leave the case exactly as it was.
  void ExpectRefused(const fs::path& tsr, int code, const std::string& what,
                     std::vector<std::string> extra = {}) {
    std::string before = Snapshot();
    std::vector<std::string> args = {"timestamp", "attach", tsr.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Ev(args);
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    EXPECT_EQ(r.err.rfind("evidence: error: " + tsr.string() + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
    EXPECT_EQ(Snapshot(), before);
  }

  LocalTsa tsa_;
};

TEST_F(TimestampCli, RequestAttachVerifyAndOpensslAgrees) {
  std::uint64_t size = Request(In("req.tsq"));
  EXPECT_EQ(Sql("SELECT max(size) FROM checkpoints;"), std::to_string(size) + "\n");
  // The request covers the SHA-256 of the latest checkpoint's signed body.
  std::string note = Ev({"checkpoint"}).out;
  std::string body = note.substr(0, note.find("\n\n") + 1);
  RunResult q = RunProgram({"openssl", "ts", "-query", "-in", In("req.tsq").string(), "-text"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  std::string hex = DigestHex(Sha256::Of(std::string_view(body)));
  // openssl prints the digest as "ab cd ef ..." in lines of 16 bytes.
  EXPECT_NE(q.out.find(hex.substr(0, 2) + " " + hex.substr(2, 2) + " " + hex.substr(4, 2)),
            std::string::npos)
      << q.out;

  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  auto a = Ev({"timestamp", "attach", In("resp.tsr").string()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("checkpoint " + std::to_string(size) + " existed at "), std::string::npos)
      << a.out;
  EXPECT_NE(a.out.find("TSA: CN=Test TSA"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("chain was NOT checked"), std::string::npos) << a.out;

  // Stored byte for byte, with the request and the checkpoint it covers.
  fs::path stored = case_dir() / "timestamps" / (std::to_string(size) + ".tsr");
  EXPECT_EQ(ReadFile(stored), ReadFile(In("resp.tsr")));
  EXPECT_EQ(ReadFile(case_dir() / "timestamps" / (std::to_string(size) + ".checkpoint")), note);
  EXPECT_TRUE(fs::is_empty(case_dir() / "timestamps" / "pending"));

  // The ledger records it, and a new checkpoint covers that entry.
  auto log = Ev({"--json", "log", "--action", "timestamp.attached"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  json entries = json::parse(log.out);
  ASSERT_EQ(entries.size(), 1u);
  const json& d = entries[0]["data"];
  EXPECT_EQ(d["checkpoint_size"], size);
  EXPECT_EQ(d["imprint"], hex);
  EXPECT_EQ(d["checkpoint_sha256"], DigestHex(Sha256::Of(std::string_view(note))));
  EXPECT_EQ(d["token_sha256"], Sha256OfFile(stored));
  EXPECT_EQ(d["token"], "timestamps/" + std::to_string(size) + ".tsr");
  EXPECT_FALSE(d["serial"].get<std::string>().empty());
  EXPECT_FALSE(d["chain_checked"].get<bool>());
  EXPECT_EQ(d["gen_time"].get<std::string>().back(), 'Z');
  EXPECT_NE(d["tsa"].get<std::string>().find("CN=Test TSA"), std::string::npos);
  EXPECT_EQ(Sql("SELECT max(size) FROM checkpoints;"), std::to_string(size + 1) + "\n");

  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // The independent check: openssl accepts the token the project stored, against the request the
  // project made and kept.
  RunResult o =
      RunProgram({"openssl", "ts", "-verify", "-in", stored.string(), "-queryfile",
                  (case_dir() / "timestamps" / (std::to_string(size) + ".tsq")).string(), "-CAfile",
                  tsa_.ca_pem().string(), "-untrusted", tsa_.tsa_pem().string()});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("Verification: OK"), std::string::npos) << o.out << o.err;
}

TEST_F(TimestampCli, AttachWithTheRightCaChecksTheChain) {
  Request(In("req.tsq"));
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  LocalTsa other("Other");
  ExpectRefused(In("resp.tsr"), 1, "chain", {"--tsa-ca", other.ca_pem().string()});
  auto a = Ev({"timestamp", "attach", In("resp.tsr").string(), "--tsa-ca", tsa_.ca_pem().string()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("chains to --tsa-ca"), std::string::npos) << a.out;
  auto again = Ev({"timestamp", "attach", In("resp.tsr").string()});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("already attached"), std::string::npos) << again.err;
  // The custody log says what the entry proves.
  auto log = Ev({"log", "--action", "timestamp.attached"});
  EXPECT_NE(log.out.find("existed at"), std::string::npos) << log.out;
}

TEST_F(TimestampCli, TamperedTokenIsRefused) {
  Request(In("req.tsq"));
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  std::string der = ReadFile(In("resp.tsr"));
  der.back() = static_cast<char>(der.back() ^ 0x01);  // inside the signature
  WriteFile(In("tampered.tsr"), der);
  ExpectRefused(In("tampered.tsr"), 1, "signature check failed");
}

TEST_F(TimestampCli, TokenForAnotherDigestIsRefused) {
  Request(In("req.tsq"));
  tsa_.Query(std::string(64, 'a'), In("other.tsq"));
  tsa_.Reply(In("other.tsq"), In("other.tsr"));
  ExpectRefused(In("other.tsr"), 1, "message imprint check failed");
}

TEST_F(TimestampCli, TokenForTheSameDigestButAnotherNonceIsRefused) {
  Request(In("req.tsq"));
  std::string note = Ev({"checkpoint"}).out;
  std::string body = note.substr(0, note.find("\n\n") + 1);
  tsa_.Query(DigestHex(Sha256::Of(std::string_view(body))), In("replay.tsq"));
  tsa_.Reply(In("replay.tsq"), In("replay.tsr"));
  ExpectRefused(In("replay.tsr"), 1, "nonce check failed");
}

TEST_F(TimestampCli, RejectionGarbageAndTruncationAreUnusableInput) {
  Request(In("req.tsq"));
  tsa_.Query(std::string(40, 'b'), In("sha1.tsq"), "-sha1");
  tsa_.Reply(In("sha1.tsq"), In("rejected.tsr"));
  ExpectRefused(In("rejected.tsr"), 2, "status rejection");
  WriteFile(In("garbage.tsr"), "this is not a time-stamp response\n");
  ExpectRefused(In("garbage.tsr"), 2, "not an RFC 3161 time-stamp response");
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  std::string der = ReadFile(In("resp.tsr"));
  WriteFile(In("truncated.tsr"), der.substr(0, der.size() / 2));
  ExpectRefused(In("truncated.tsr"), 2, "not an RFC 3161 time-stamp response");
  ExpectRefused(In("missing.tsr"), 2, "no such file");
}

TEST_F(TimestampCli, RequestNeverOverwritesAndRefusesATerminalLessDefault) {
  WriteFile(In("taken.tsq"), "mine");
  auto r = Ev({"timestamp", "request", "--out", In("taken.tsq").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ReadFile(In("taken.tsq")), "mine");
  // Without --out and with stdout not a terminal, the DER request goes to stdout.
  auto s = Ev({"timestamp", "request"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  ASSERT_FALSE(s.out.empty());
  EXPECT_EQ(s.out[0], '\x30');  // a DER SEQUENCE
  EXPECT_NE(s.err.find("written to stdout"), std::string::npos) << s.err;
}

TEST_F(TimestampCli, TamperedStoredTokenFailsVerify) {
  std::uint64_t size = Request(In("req.tsq"));
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  ASSERT_EQ(Ev({"timestamp", "attach", In("resp.tsr").string()}).exit_code, 0);
  fs::path stored = case_dir() / "timestamps" / (std::to_string(size) + ".tsr");
  fs::permissions(stored, fs::perms::owner_write, fs::perm_options::add);
  std::string der = ReadFile(stored);
  der[der.size() - 3] = static_cast<char>(der[der.size() - 3] ^ 0x40);
  WriteFile(stored, der);
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("timestamps/" + std::to_string(size) + ".tsr"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("the token was changed"), std::string::npos) << v.out;
}

TEST_F(TimestampCli, BundleCarriesTokensAndVerifyBundleShowsTheTime) {
  std::uint64_t size = Request(In("req.tsq"));
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  ASSERT_EQ(Ev({"timestamp", "attach", In("resp.tsr").string()}).exit_code, 0);
  auto e = Ev({"export", "--out", In("b.zip").string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const std::string n = std::to_string(size);

  auto v = RunEvidence({"verify-bundle", In("b.zip").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("ok    timestamp  evidence/timestamps/" + n + ".tsr: checkpoint of size " +
                       n + " existed at "),
            std::string::npos)
      << v.out;
  EXPECT_NE(v.out.find("TSA: CN=Test TSA"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("chain was not checked"), std::string::npos) << v.out;

  auto good =
      RunEvidence({"verify-bundle", In("b.zip").string(), "--tsa-ca", tsa_.ca_pem().string()});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("chains to --tsa-ca"), std::string::npos) << good.out;

  LocalTsa other("Other");
  auto bad =
      RunEvidence({"verify-bundle", In("b.zip").string(), "--tsa-ca", other.ca_pem().string()});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("FAIL  timestamp  evidence/timestamps/" + n + ".tsr"), std::string::npos)
      << bad.out;

  auto j = RunEvidence({"--json", "verify-bundle", In("b.zip").string()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  json report = json::parse(j.out);
  ASSERT_EQ(report["timestamps"].size(), 1u);
  EXPECT_EQ(report["timestamps"][0]["checkpoint_size"], size);
  EXPECT_TRUE(report["timestamps"][0]["ok"].get<bool>());
  EXPECT_FALSE(report["timestamps"][0]["chain_checked"].get<bool>());

  // By hand, as VERIFYING.txt says: openssl checks the token over the bundled checkpoint's body.
  TempDir unpacked;
  RunResult unzip =
      RunProgram({"unzip", "-q", In("b.zip").string(), "-d", unpacked.path().string()});
  ASSERT_EQ(unzip.exit_code, 0) << unzip.err;
  fs::path top = *fs::directory_iterator(unpacked.path());
  std::string cp = ReadFile(top / "evidence" / "timestamps" / (n + ".checkpoint"));
  WriteFile(unpacked / "body", cp.substr(0, cp.find("\n\n") + 1));
  RunResult o = RunProgram({"openssl", "ts", "-verify", "-in",
                            (top / "evidence" / "timestamps" / (n + ".tsr")).string(), "-data",
                            (unpacked / "body").string(), "-CAfile", tsa_.ca_pem().string(),
                            "-untrusted", tsa_.tsa_pem().string()});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(ReadFile(top / "evidence" / "VERIFYING.txt").find("openssl ts -verify"),
            std::string::npos);
  EXPECT_NE(ReadFile(top / "tagmanifest-sha256.txt").find("evidence/timestamps/" + n + ".tsr"),
            std::string::npos);
}

TEST_F(TimestampCli, ReceivedTokensTravelOnInTheCustodyRecords) {
  std::uint64_t size = Request(In("req.tsq"));
  tsa_.Reply(In("req.tsq"), In("resp.tsr"));
  ASSERT_EQ(Ev({"timestamp", "attach", In("resp.tsr").string()}).exit_code, 0);
  ASSERT_EQ(Ev({"export", "--out", In("b.zip").string()}).exit_code, 0);
  fs::path officer = tmp().path() / "officer";
  ASSERT_EQ(RunEvidence({"-C", officer.string(), "init", "--owner", "PC Smith", "--no-passphrase"})
                .exit_code,
            0);
  // receive --tsa-ca makes the chain check mandatory: a token of another TSA refuses the bundle
  // and records nothing.
  LocalTsa other("Other");
  auto refused = RunEvidence({"-C", officer.string(), "receive", In("b.zip").string(), "--tsa-ca",
                              other.ca_pem().string()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_FALSE(fs::exists(officer / "custody" / "1"));
  auto rec = RunEvidence({"-C", officer.string(), "receive", In("b.zip").string(), "--tsa-ca",
                          tsa_.ca_pem().string()});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto e = RunEvidence({"-C", officer.string(), "export", "--out", In("b2.zip").string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto v =
      RunEvidence({"verify-bundle", In("b2.zip").string(), "--tsa-ca", tsa_.ca_pem().string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("ok    timestamp  evidence/custody/1/timestamps/" + std::to_string(size) +
                       ".tsr: checkpoint of size " + std::to_string(size) + " existed at "),
            std::string::npos)
      << v.out;
  // The sender's consistency proofs travel with their records, so the custody token is still tied
  // to the sender's checkpoint.
  EXPECT_NE(v.out.find("the bundle's ledger extends that checkpoint"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace evidence::testing
