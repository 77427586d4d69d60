// `prove ID`, `prove --consistency`, and consistency proofs carried by bundles, through the real
// binary; every proof printed is checked with the merkle:: verifiers (and one with python3), and a
// ledger that was forked behind the tool's back is caught.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/bytes.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/merkle.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

std::vector<merkle::Hash> Hashes(const json& list) {
  std::vector<merkle::Hash> out;
  for (const auto& h : list) out.push_back(*DigestFromHex(h.get<std::string>()));
  return out;
}

Checkpoint ParseNote(const std::string& note) {
  auto cp = ParseCheckpointNote(note);
  EXPECT_TRUE(cp.ok()) << cp.status().message();
  return cp.ok() ? cp->checkpoint : Checkpoint{};
}

class Prove : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    Add("a.txt", "first message\n");
    Add("b.txt", "second message\n");
  }
  void Add(const std::string& name, const std::string& content) {
    auto r = Ev({"add", WriteInput(name, content).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The case's newest checkpoint, saved to a file as a user would.
  fs::path SaveCheckpoint(const std::string& name, const fs::path& dir) {
    auto r = RunEvidence({"-C", dir.string(), "checkpoint"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    fs::path p = tmp().path() / name;
    WriteFile(p, r.out);
    return p;
  }
  fs::path Out(const std::string& name) { return tmp().path() / name; }
};

TEST_F(Prove, ItemEntriesCarryInclusionProofsThatVerify) {
  ASSERT_EQ(Ev({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "gift", "--what",
                "A box on the doorstep", "--item", "EX-0002"})
                .exit_code,
            0);
  for (const std::string id : {"EX-0002", "inc-0001"}) {
    auto r = Ev({"--json", "prove", id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out);
    Checkpoint cp = ParseNote(j["checkpoint"]);
    EXPECT_EQ(j["tree_size"], cp.size);
    EXPECT_EQ(j["root"], HexEncode(cp.root));
    ASSERT_FALSE(j["entries"].empty()) << r.out;
    for (const auto& e : j["entries"]) {
      std::string bytes = e["entry"];
      merkle::Hash leaf = merkle::LeafHash(AsBytes(bytes));
      EXPECT_EQ(e["leaf_hash"], HexEncode(leaf));
      EXPECT_NE(bytes.find(id == "EX-0002" ? "EX-0002" : "INC-0001"), std::string::npos) << bytes;
      Status st =
          merkle::VerifyInclusion(e["seq"], cp.size, leaf, Hashes(e["inclusion_path"]), cp.root);
      EXPECT_TRUE(st.ok()) << st.message();
    }
  }
  EXPECT_EQ(json::parse(Ev({"--json", "prove", "INC-0001"}).out)["id"], "INC-0001");

  // The text form names each entry and ends with the checkpoint itself.
  auto text = Ev({"prove", "EX-0001"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("item.ingested"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("path"), std::string::npos);
  EXPECT_NE(text.out.find(Ev({"checkpoint"}).out), std::string::npos);

  auto unknown = Ev({"prove", "EX-0099"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no exhibit or incident EX-0099"), std::string::npos) << unknown.err;
  EXPECT_EQ(Ev({"prove"}).exit_code, 2);
}

TEST_F(Prove, PythonChecksAnInclusionProofWithTheBundleRecipe) {
  auto r = Ev({"--json", "prove", "EX-0001"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  WriteFile(Out("proof.json"), r.out);
  // The algorithm of VERIFYING.txt step 4, on the JSON `prove` prints.
  const std::string script = R"(import base64, hashlib, json, sys
H = lambda b: hashlib.sha256(b).digest()
j = json.load(open(sys.argv[1]))
cp = j['checkpoint'].encode().split(b'\n')
size, root = int(cp[1]), base64.b64decode(cp[2])
assert j['tree_size'] == size
for p in j['entries']:
    r, fn, sn = H(b'\x00' + p['entry'].encode()), p['seq'], size - 1
    for x in map(bytes.fromhex, p['inclusion_path']):
        assert sn > 0
        if fn & 1 or fn == sn:
            r = H(b'\x01' + x + r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = H(b'\x01' + r + x)
        fn, sn = fn >> 1, sn >> 1
    print('entry', p['seq'], 'OK' if sn == 0 and r == root else 'FAIL')
)";
  auto py = RunProgram({"python3", "-c", script, Out("proof.json").string()});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_NE(py.out.find("OK"), std::string::npos) << py.out;
  EXPECT_EQ(py.out.find("FAIL"), std::string::npos) << py.out;
}

TEST_F(Prove, ConsistencyBetweenTwoRealCheckpoints) {
  fs::path old = SaveCheckpoint("old.cp", case_dir());
  Checkpoint was = ParseNote(ReadFile(old));
  Add("c.txt", "third\n");
  Add("d.txt", "fourth\n");
  auto r = Ev({"--json", "prove", "--consistency", old.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  Checkpoint now = ParseNote(j["checkpoint"]);
  EXPECT_EQ(j["from_size"], was.size);
  EXPECT_EQ(j["to_size"], now.size);
  EXPECT_GT(now.size, was.size);
  Status st = merkle::VerifyConsistency(was.size, now.size, was.root, now.root, Hashes(j["path"]));
  EXPECT_TRUE(st.ok()) << st.message();

  auto text = Ev({"prove", "--consistency", old.string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("only grew"), std::string::npos) << text.out;

  // Unusable input is exit 2: a missing file, something that is not a checkpoint.
  EXPECT_EQ(Ev({"prove", "--consistency", Out("missing.cp").string()}).exit_code, 2);
  WriteFile(Out("junk.cp"), "not a checkpoint\n");
  EXPECT_EQ(Ev({"prove", "--consistency", Out("junk.cp").string()}).exit_code, 2);
}

TEST_F(Prove, CheckpointOfAnotherCaseOrKeyIsRefused) {
  fs::path other = tmp().path() / "other";
  ASSERT_EQ(RunEvidence({"-C", other.string(), "init", "--no-passphrase"}).exit_code, 0);
  auto foreign = Ev({"prove", "--consistency", SaveCheckpoint("other.cp", other).string()});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("not of this case"), std::string::npos) << foreign.err;

  // This case's origin, but signed by someone else's key.
  std::string note = Ev({"checkpoint"}).out;
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  auto forged = SignCheckpoint(ParseNote(note), "test-owner", *key);
  ASSERT_TRUE(forged.ok());
  WriteFile(Out("forged.cp"), *forged);
  auto r = Ev({"prove", "--consistency", Out("forged.cp").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not signed by this case's key"), std::string::npos) << r.err;
}

// Whoever holds the folder and the key can make a second history and sign it. A checkpoint of one
// history handed out earlier shows the other is not its continuation.
TEST_F(Prove, ForkedLedgerIsCaughtByProveAndVerifyBundle) {
  fs::path fork = tmp().path() / "fork";
  fs::copy(case_dir(), fork, fs::copy_options::recursive);
  // Both histories hand out a bundle at the same size, with different entries before it.
  ASSERT_EQ(
      RunEvidence({"-C", fork.string(), "add", WriteInput("x.txt", "what happened\n").string()})
          .exit_code,
      0);
  ASSERT_EQ(
      RunEvidence({"-C", fork.string(), "export", "--out", Out("fork.zip").string()}).exit_code, 0);
  fs::path fork_cp = SaveCheckpoint("fork.cp", fork);
  Add("y.txt", "what I say happened\n");
  ASSERT_EQ(Ev({"export", "--out", Out("first.zip").string()}).exit_code, 0);
  Add("z.txt", "later\n");
  ASSERT_EQ(Ev({"verify"}).exit_code, 0);  // each history is consistent with itself

  auto p = Ev({"prove", "--consistency", fork_cp.string()});
  EXPECT_EQ(p.exit_code, 1) << p.out;
  EXPECT_NE(p.err.find("consistency"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("rewritten"), std::string::npos) << p.err;

  // A later bundle carries the proof from the checkpoint this history handed out at that size,
  // whose root is not the fork's.
  ASSERT_EQ(Ev({"export", "--out", Out("second.zip").string()}).exit_code, 0);
  auto v = RunEvidence(
      {"verify-bundle", Out("second.zip").string(), "--since-checkpoint", fork_cp.string()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("FAIL  consistency"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("the ledger was rewritten since"), std::string::npos) << v.out;

  // Asking the exporter for a proof from the fork's checkpoint fails and records nothing.
  std::string before = Snapshot();
  auto e =
      Ev({"export", "--out", Out("third.zip").string(), "--since-checkpoint", fork_cp.string()});
  EXPECT_EQ(e.exit_code, 1) << e.err;
  EXPECT_NE(e.err.find("--since-checkpoint"), std::string::npos) << e.err;
  EXPECT_FALSE(fs::exists(Out("third.zip")));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Prove, BundlesCarryConsistencyFromEveryCheckpointHandedOut) {
  ASSERT_EQ(Ev({"export", "--out", Out("first.zip").string()}).exit_code, 0);
  fs::path handed_out = SaveCheckpoint("first.cp", case_dir());
  Add("c.txt", "third\n");
  fs::path private_cp = SaveCheckpoint("private.cp", case_dir());  // never handed out
  Add("d.txt", "fourth\n");

  auto e = Ev({"--json", "export", "--out", Out("second.zip").string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(json::parse(e.out)["consistency_proofs"], 1);
  auto v = RunEvidence({"verify-bundle", "--verbose", Out("second.zip").string(),
                        "--since-checkpoint", handed_out.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("ok    consistency  evidence/consistency.json from size"), std::string::npos)
      << v.out;
  EXPECT_NE(v.out.find("the consistency proof verifies"), std::string::npos) << v.out;

  // A checkpoint the bundle has no proof from: not verified, naming the missing proof.
  auto missing = RunEvidence(
      {"verify-bundle", Out("second.zip").string(), "--since-checkpoint", private_cp.string()});
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(missing.out.find("carries no consistency proof"), std::string::npos) << missing.out;

  // export --since-checkpoint adds it.
  ASSERT_EQ(
      Ev({"export", "--out", Out("third.tar").string(), "--since-checkpoint", private_cp.string()})
          .exit_code,
      0);
  for (const auto& cp : {private_cp, handed_out}) {
    auto ok = RunEvidence(
        {"verify-bundle", Out("third.tar").string(), "--since-checkpoint", cp.string()});
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
  }
  auto j = json::parse(RunEvidence({"--json", "verify-bundle", Out("third.tar").string()}).out);
  int lines = 0;
  for (const auto& c : j["checks"]) lines += c["check"] == "consistency";
  EXPECT_EQ(lines, 3);  // from first.zip's, second.zip's and private.cp's sizes

  // The python3 snippet of VERIFYING.txt step 7, exactly as printed, on the unpacked bundle.
  fs::path dir = tmp().path() / "unpacked";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"tar", "-xf", Out("third.tar").string(), "-C", dir.string()}).exit_code, 0);
  std::string text = ReadFile(dir / "third" / "evidence" / "VERIFYING.txt");
  auto start = text.find("7. If there is evidence/consistency.json");
  ASSERT_NE(start, std::string::npos) << text;
  start = text.find("python3 - <<'EOF'\n", start);
  auto end = text.find("     EOF\n", start);
  ASSERT_NE(end, std::string::npos);
  std::string script;
  std::size_t pos = text.find('\n', start) + 1;
  while (pos < end) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    script += line.substr(std::min<std::size_t>(5, line.size())) + "\n";
    pos = nl + 1;
  }
  auto py = RunProgram({"sh", "-c", "cd '" + (dir / "third").string() + "' && python3 -"}, script);
  ASSERT_EQ(py.exit_code, 0) << py.err << script;
  EXPECT_EQ(py.out.find("DOES NOT VERIFY"), std::string::npos) << py.out;
  std::size_t oks = 0;
  for (auto p = py.out.find("OK"); p != std::string::npos; p = py.out.find("OK", p + 1)) ++oks;
  EXPECT_EQ(oks, 3u) << py.out;
}

// Attack 11 of issue 15: the signature stripped from the newest checkpoint row. `prove` must not
// prove anything against it (nor fall back to an older one): exit 1, naming the checkpoint.
TEST_F(Prove, UnsignedNewestCheckpointIsRefused) {
  RunProgram({"sqlite3", (case_dir() / "ledger.sqlite").string(),
              "DROP TRIGGER checkpoints_append_only_update; UPDATE checkpoints SET note = "
              "substr(note, 1, instr(note, char(10) || char(10))) WHERE id = (SELECT max(id) "
              "FROM checkpoints);"});
  const std::string newest = RunProgram({"sqlite3", (case_dir() / "ledger.sqlite").string(),
                                         "SELECT max(id) FROM checkpoints"})
                                 .out;
  ASSERT_FALSE(newest.empty());
  const std::string id = newest.substr(0, newest.find('\n'));
  auto r = Ev({"prove", "EX-0001"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("checkpoint " + id), std::string::npos) << r.err;
  auto checkpoint = Ev({"checkpoint"});
  EXPECT_EQ(checkpoint.exit_code, 1) << checkpoint.out;
}

}  // namespace
}  // namespace evidence::testing
