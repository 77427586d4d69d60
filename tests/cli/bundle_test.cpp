// export -> verify-bundle -> receive -> export -> verify-bundle, through the real binary, and the
// manual check of VERIFYING.txt with sha256sum, openssl and python3 only.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/bundle.hpp"
#include "evidence/canonical_json.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

class Bundle : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    fs::path in = tmp().path() / "input";
    fs::create_directories(in);
    WriteJpegWithExif(in / "gift.jpg");
    WriteText(in / "note.txt", "He waited outside again.\n");
    WriteWav(in / "voicemail.wav", 1.0);
    ASSERT_EQ(Ev({"add", "-r", in.string()}).exit_code, 0);
    auto inc = Ev({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "gift,visit-home",
                   "--what", "A box on the doorstep", "--item", "EX-0001"});
    ASSERT_EQ(inc.exit_code, 0) << inc.err;
  }
  fs::path Out(const std::string& name) { return tmp().path() / name; }
};

TEST_F(Bundle, ExportVerifiesInEveryFormat) {
  for (const std::string name : {"b.zip", "b.tar", "b.tar.gz"}) {
    auto e = Ev({"export", "--out", Out(name).string(), "--recipient", "PC Smith"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    std::string fp = json::parse(Ev({"--json", "key", "show"}).out)["fingerprint"];
    auto v = RunEvidence({"verify-bundle", Out(name).string(), "--fingerprint", fp});
    EXPECT_EQ(v.exit_code, 0) << name << "\n" << v.out << v.err;
    EXPECT_NE(v.out.find("bundle verifies"), std::string::npos) << v.out;
    auto j = RunEvidence({"--json", "verify-bundle", Out(name).string()});
    ASSERT_EQ(j.exit_code, 0);
    EXPECT_TRUE(json::parse(j.out)["ok"].get<bool>());
  }
  auto log = json::parse(Ev({"--json", "log", "--action", "export.created"}).out);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0]["data"]["recipient"], "PC Smith");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Bundle, ExportNeverOverwritesAndRefusesUnknownSelections) {
  ASSERT_EQ(Ev({"export", "--out", Out("b.zip").string()}).exit_code, 0);
  std::string before = Snapshot();
  auto again = Ev({"export", "--out", Out("b.zip").string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("use --force"), std::string::npos);
  auto bad_item = Ev({"export", "--out", Out("c.zip").string(), "--item", "EX-0099"});
  EXPECT_EQ(bad_item.exit_code, 2);
  auto bad_ext = Ev({"export", "--out", Out("c.rar").string()});
  EXPECT_EQ(bad_ext.exit_code, 2);
  EXPECT_NE(bad_ext.err.find(".zip, .tar or .tar.gz"), std::string::npos);
  EXPECT_FALSE(fs::exists(Out("c.zip")));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Bundle, SelectiveExportDisclosesOnlyTheIncidentAndItsEvidence) {
  auto e = Ev({"--json", "export", "--out", Out("inc.zip").string(), "--incident", "INC-0001"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto out = json::parse(e.out);
  EXPECT_EQ(out["items"], 1);
  EXPECT_EQ(out["incidents"], 1);
  fs::path dir = tmp().path() / "unpacked";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"bsdtar", "-xf", Out("inc.zip").string(), "-C", dir.string()}).exit_code,
            0);
  std::string ledger = ReadFile(dir / "inc" / "evidence" / "ledger.jsonl");
  EXPECT_NE(ledger.find("EX-0001"), std::string::npos);
  EXPECT_EQ(ledger.find("EX-0002"), std::string::npos) << "undisclosed item leaked";
  EXPECT_NE(ledger.find("export.created"), std::string::npos);
  EXPECT_EQ(RunEvidence({"verify-bundle", Out("inc.zip").string()}).exit_code, 0);
}

TEST_F(Bundle, SamePayloadAndManifestsForTheSameSelection) {
  ASSERT_EQ(Ev({"export", "--out", (tmp().path() / "one" / "b.tar").string()}).exit_code,
            2);  // no folder
  fs::create_directories(tmp().path() / "one");
  fs::create_directories(tmp().path() / "two");
  ASSERT_EQ(Ev({"export", "--out", (tmp().path() / "one" / "b.tar").string(), "--item", "EX-0002"})
                .exit_code,
            0);
  ASSERT_EQ(Ev({"export", "--out", (tmp().path() / "two" / "b.tar").string(), "--item", "EX-0002"})
                .exit_code,
            0);
  for (auto d : {"one", "two"}) {
    ASSERT_EQ(RunProgram({"bsdtar", "-xf", (tmp().path() / d / "b.tar").string(), "-C",
                          (tmp().path() / d).string()})
                  .exit_code,
              0);
  }
  EXPECT_EQ(ReadFile(tmp().path() / "one" / "b" / "manifest-sha256.txt"),
            ReadFile(tmp().path() / "two" / "b" / "manifest-sha256.txt"));
  EXPECT_EQ(ReadFile(tmp().path() / "one" / "b" / "data" / "items" / "EX-0002" / "note.txt"),
            "He waited outside again.\n");
}

// proofs.json is assembled one entry at a time (to bound memory); it must still be exactly the
// canonical JSON of the whole document, with one proof per disclosed entry, in ledger order.
TEST_F(Bundle, ProofsJsonIsCanonicalWithOneProofPerDisclosedEntry) {
  ASSERT_EQ(Ev({"export", "--out", Out("p.tar").string()}).exit_code, 0);
  ASSERT_EQ(
      RunProgram({"bsdtar", "-xf", Out("p.tar").string(), "-C", tmp().path().string()}).exit_code,
      0);
  const std::string text = ReadFile(tmp().path() / "p" / "evidence" / "proofs.json");
  json proofs = json::parse(text);
  auto canonical = CanonicalJson(proofs);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(text, *canonical + "\n");
  std::istringstream ledger(ReadFile(tmp().path() / "p" / "evidence" / "ledger.jsonl"));
  std::vector<std::uint64_t> seqs;
  for (std::string line; std::getline(ledger, line);) seqs.push_back(json::parse(line)["seq"]);
  ASSERT_EQ(proofs["entries"].size(), seqs.size());
  ASSERT_GT(seqs.size(), 2u);
  for (size_t i = 0; i < seqs.size(); ++i) {
    EXPECT_EQ(proofs["entries"][i]["seq"], seqs[i]) << i;
    EXPECT_FALSE(proofs["entries"][i]["inclusion_path"].empty()) << i;
  }
  EXPECT_GT(proofs["tree_size"].get<std::uint64_t>(), seqs.back());
}

TEST_F(Bundle, VerifyingTxtWorksWithStandardToolsOnly) {
  ASSERT_EQ(Ev({"export", "--out", Out("hand.tar.gz").string()}).exit_code, 0);
  fs::path dir = tmp().path() / "byhand";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"tar", "-xzf", Out("hand.tar.gz").string(), "-C", dir.string()}).exit_code,
            0);
  fs::path top = dir / "hand";
  std::string cd = "cd '" + top.string() + "' && ";
  auto sh = [&](const std::string& cmd) { return RunProgram({"sh", "-c", cd + cmd}); };
  auto tags = sh("sha256sum -c tagmanifest-sha256.txt");
  EXPECT_EQ(tags.exit_code, 0) << tags.out << tags.err;
  auto payload = sh("sha256sum -c manifest-sha256.txt");
  EXPECT_EQ(payload.exit_code, 0) << payload.out << payload.err;
  auto sig =
      sh("openssl pkeyutl -verify -pubin -inkey evidence/signer.pub.pem -rawin "
         "-in tagmanifest-sha256.txt -sigfile tagmanifest-sha256.sig");
  EXPECT_EQ(sig.exit_code, 0) << sig.out << sig.err;
  EXPECT_NE(sig.out.find("Signature Verified Successfully"), std::string::npos);
  auto fp = sh("openssl pkey -pubin -in evidence/signer.pub.pem -outform DER | sha256sum");
  std::string fingerprint = json::parse(Ev({"--json", "key", "show"}).out)["fingerprint"];
  EXPECT_EQ(fp.out.substr(0, 64), fingerprint.substr(7));
  auto cp = sh(
      "head -n 3 evidence/checkpoint > cp-body && "
      "sed -n 's/^\xE2\x80\x94 [^ ]* //p' evidence/checkpoint | base64 -d | tail -c 64 > cp-sig && "
      "openssl pkeyutl -verify -pubin -inkey evidence/signer.pub.pem -rawin -in cp-body "
      "-sigfile cp-sig");
  EXPECT_EQ(cp.exit_code, 0) << cp.out << cp.err;
  // The python3 snippet, exactly as VERIFYING.txt prints it.
  std::string text = ReadFile(top / "evidence" / "VERIFYING.txt");
  auto start = text.find("python3 - <<'EOF'\n");
  auto end = text.find("     EOF\n", start);
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string script;
  std::istringstream lines(text.substr(start + 18, end - start - 18));
  for (std::string line; std::getline(lines, line);)
    script += line.substr(std::min<size_t>(5, line.size())) + "\n";
  auto py = RunProgram({"sh", "-c", cd + "python3 -"}, script);
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_NE(py.out.find("OK"), std::string::npos) << py.out;
  EXPECT_EQ(py.out.find("DOES NOT VERIFY"), std::string::npos) << py.out;
  // Step 6: export.created names the manifest's hash.
  auto manifest_hash = sh("sha256sum manifest-sha256.txt");
  EXPECT_NE(ReadFile(top / "evidence" / "ledger.jsonl").find(manifest_hash.out.substr(0, 64)),
            std::string::npos);
  // items.json follows its schema.
  auto schema =
      RunProgram({"/usr/bin/python3", "-c",
                  "import json,sys,jsonschema;"
                  "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])),"
                  "cls=jsonschema.Draft202012Validator)",
                  (top / "evidence" / "items.json").string(),
                  std::string(EVIDENCE_SOURCE_DIR) + "/schemas/items.schema.json"});
  EXPECT_EQ(schema.exit_code, 0) << schema.err;
}

TEST_F(Bundle, TamperedBundleFailsAndNamesTheCulprit) {
  ASSERT_EQ(Ev({"export", "--out", Out("t.tar").string()}).exit_code, 0);
  fs::path dir = tmp().path() / "t";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"tar", "-xf", Out("t.tar").string(), "-C", dir.string()}).exit_code, 0);
  fs::path victim = dir / "t" / "data" / "items" / "EX-0002" / "note.txt";
  WriteFile(victim, "He waited outside again!\n");
  ASSERT_EQ(RunProgram({"tar", "-cf", Out("t2.tar").string(), "-C", dir.string(), "t"}).exit_code,
            0);
  auto v = RunEvidence({"verify-bundle", Out("t2.tar").string()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("FAIL"), std::string::npos);
  EXPECT_NE(v.out.find("EX-0002"), std::string::npos) << v.out;
}

TEST_F(Bundle, NotABundleIsUnusableInput) {
  WriteFile(Out("x.zip"), "this is not an archive");
  auto v = RunEvidence({"verify-bundle", Out("x.zip").string()});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  auto missing = RunEvidence({"verify-bundle", Out("nope.zip").string()});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(Bundle, TrustRequiresTheExpectedSigner) {
  ASSERT_EQ(Ev({"export", "--out", Out("b.zip").string()}).exit_code, 0);
  std::string fp = json::parse(Ev({"--json", "key", "show"}).out)["fingerprint"];
  EXPECT_EQ(RunEvidence({"verify-bundle", Out("b.zip").string(), "--trust", fp}).exit_code, 0);
  auto other = RunEvidence(
      {"verify-bundle", Out("b.zip").string(), "--trust", "SHA256:" + std::string(64, '0')});
  EXPECT_EQ(other.exit_code, 1) << other.out;
  EXPECT_NE(other.out.find("trust"), std::string::npos);
}

TEST_F(Bundle, ReceiveThenExportCarriesBothSigners) {
  ASSERT_EQ(
      Ev({"export", "--out", Out("victim.zip").string(), "--recipient", "PC Smith"}).exit_code, 0);
  fs::path officer = tmp().path() / "officer";
  auto init = RunEvidence({"-C", officer.string(), "init", "--no-passphrase", "--owner", "PC Smith",
                           "--exhibit-prefix", "PS"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto recv = RunEvidence({"-C", officer.string(), "receive", Out("victim.zip").string(), "--note",
                           "handed over at the station"});
  ASSERT_EQ(recv.exit_code, 0) << recv.out << recv.err;
  auto items = json::parse(RunEvidence({"-C", officer.string(), "--json", "list"}).out);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["exhibit"], "EX-0001");
  EXPECT_EQ(RunEvidence({"-C", officer.string(), "verify"}).exit_code, 0);
  auto received = json::parse(
      RunEvidence({"-C", officer.string(), "--json", "log", "--action", "bundle.received"}).out);
  ASSERT_EQ(received.size(), 1u);
  std::string victim_fp = json::parse(Ev({"--json", "key", "show"}).out)["fingerprint"];
  EXPECT_EQ(received[0]["data"]["signer_fingerprint"], victim_fp);

  // The officer's own export carries the victim's signed history as well.
  auto e = RunEvidence({"-C", officer.string(), "export", "--out", Out("officer.tar.gz").string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto v = RunEvidence({"--json", "verify-bundle", Out("officer.tar.gz").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  auto report = json::parse(v.out);
  std::string officer_fp = json::parse(
      RunEvidence({"-C", officer.string(), "--json", "key", "show"}).out)["fingerprint"];
  std::set<std::string> signers;
  for (const auto& s : report["signers"]) signers.insert(s["fingerprint"].get<std::string>());
  EXPECT_TRUE(signers.count(victim_fp)) << v.out;
  EXPECT_TRUE(signers.count(officer_fp)) << v.out;

  // Receiving the same bundle again adds no items; a tampered one records nothing.
  std::string before = ReadFile(officer / "case.json");
  auto again =
      RunEvidence({"-C", officer.string(), "--json", "receive", Out("victim.zip").string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["imported"].size(), 0u);
}

TEST_F(Bundle, ReceiveRefusesABundleThatDoesNotVerify) {
  ASSERT_EQ(Ev({"export", "--out", Out("v.tar").string()}).exit_code, 0);
  fs::path dir = tmp().path() / "v";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"tar", "-xf", Out("v.tar").string(), "-C", dir.string()}).exit_code, 0);
  WriteFile(dir / "v" / "data" / "items" / "EX-0002" / "note.txt", "forged\n");
  ASSERT_EQ(
      RunProgram({"tar", "-cf", Out("forged.tar").string(), "-C", dir.string(), "v"}).exit_code, 0);
  fs::path officer = tmp().path() / "officer";
  ASSERT_EQ(RunEvidence({"-C", officer.string(), "init", "--no-passphrase"}).exit_code, 0);
  std::string entries_before = RunEvidence({"-C", officer.string(), "--json", "log"}).out;
  auto r = RunEvidence({"-C", officer.string(), "receive", Out("forged.tar").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("does not verify"), std::string::npos) << r.err;
  EXPECT_EQ(RunEvidence({"-C", officer.string(), "--json", "log"}).out, entries_before);
  EXPECT_TRUE(fs::is_empty(officer / "objects"));
}

// ---- Hostile bundles (issue: a sender-signed bundle with edited JSON members) ----

// Bundles built by tests/bundle/make_bundle.py, an independent implementation of docs/bundle.md
// whose sender signs whatever it writes: what a hostile sender can do.
class HostileBundle : public CliTest {
 protected:
  fs::path Make(const std::string& name, const std::vector<std::string>& mutations = {}) {
    fs::path out = tmp().path() / name;
    std::vector<std::string> argv = {
        "python3", std::string(EVIDENCE_SOURCE_DIR) + "/tests/bundle/make_bundle.py", out.string(),
        "--keys", (tmp().path() / (name + ".keys")).string()};
    for (const auto& m : mutations) {
      argv.push_back("--mutate");
      argv.push_back(m);
    }
    auto r = RunProgram(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  // The officer's case is the fixture's case; encrypted (with a passphrase) when `locked`.
  void InitOfficer(bool locked) {
    if (!locked) return InitCase();
    auto r = Ev({"init", "--owner", "PC Smith"}, {{"EVIDENCE_PASSPHRASE", "officer secret"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void ExpectNoLeftovers() {
    EXPECT_TRUE(fs::is_empty(case_dir() / "objects"));
    EXPECT_TRUE(fs::is_empty(case_dir() / "tmp"));
    EXPECT_FALSE(fs::exists(case_dir() / "custody"));
  }
};

TEST_F(HostileBundle, WrongTypeInItemsJsonFailsVerifyAndReceiveLeavesCaseUnchanged) {
  for (const std::string field : {"size", "exhibit", "metadata", "captured", "name"}) {
    SCOPED_TRACE(field);
    std::string value = field == "captured" ? "5" : field == "metadata" ? "[1]" : "\"5\"";
    if (field == "exhibit" || field == "name") value = "7";
    fs::path bundle = Make("t-" + field + ".tar", {"items-field:EX-0002:" + field + ":" + value});
    auto v = RunEvidence({"verify-bundle", bundle.string()});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_NE(v.out.find("evidence/items.json"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("\"" + field + "\""), std::string::npos) << v.out;
    EXPECT_EQ(v.err, "");
  }
  // receive into the officer's encrypted case (unlocked when it opens): the error is the
  // verification's, and the case is exactly as before.
  InitOfficer(/*locked=*/true);
  std::string before = Snapshot();
  auto r = Ev({"receive", (tmp().path() / "t-size.tar").string()},
              {{"EVIDENCE_PASSPHRASE", "officer secret"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("does not verify"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"size\""), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
  ExpectNoLeftovers();
}

TEST_F(HostileBundle, EditedItemsJsonFieldFailsVerify) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"name", "\"other.jpg\""},
      {"kind", "\"video\""},
      {"media_type", "\"application/pdf\""},
      {"captured", "\"2020-01-01T00:00:00Z\""},
      {"note", "\"a note the victim never wrote\""},
      {"metadata", "{\"Make\": \"Forged\"}"},
      {"parent", "\"EX-0001\""},
      {"path", "\"data/items/EX-0003/elsewhere.txt\""},
      {"entry", "1"}};
  for (const auto& [field, value] : edits) {
    SCOPED_TRACE(field);
    fs::path bundle = Make("e-" + field + ".zip", {"items-field:EX-0002:" + field + ":" + value});
    auto v = RunEvidence({"verify-bundle", bundle.string()});
    EXPECT_EQ(v.exit_code, 1) << v.out;
    std::string needle = "FAIL  item  EX-0002: ";
    auto line = v.out.find(needle);
    ASSERT_NE(line, std::string::npos) << v.out;
    std::string text = v.out.substr(line, v.out.find('\n', line) - line);
    EXPECT_NE(text.find("\"" + field + "\""), std::string::npos) << text;
  }
}

TEST_F(HostileBundle, EditedIncidentsJsonFieldFailsVerify) {
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"what", "\"Nothing happened.\""},
                                                        {"at", "\"2026-03-03T21:15:00+00:00\""},
                                                        {"witnesses", "[]"},
                                                        {"items", "[\"EX-0002\", \"EX-0003\"]"}}) {
    SCOPED_TRACE(field);
    fs::path bundle =
        Make("i-" + field + ".tar", {"incidents-field:INC-0001:" + field + ":" + value});
    auto v = RunEvidence({"verify-bundle", bundle.string()});
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.out.find("FAIL  incident  INC-0001: \"" + field + "\""), std::string::npos)
        << v.out;
  }
  fs::path wrong = Make("i-type.tar", {"incidents-field:INC-0001:versions:{}"});
  auto v = RunEvidence({"verify-bundle", wrong.string()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("evidence/incidents.json element 0 (INC-0001): \"versions\""),
            std::string::npos)
      << v.out;
}

// An independent writer's bundle whose INC-0001 links messages 0 and 2 of a 3-message export
// verifies; bundles whose incidents.json has no "messages" (every other one make_bundle.py
// writes) verify as the tests above show.
TEST_F(HostileBundle, LinkedMessagesListedAsTheEntriesGiveThemVerify) {
  auto v = RunEvidence(
      {"verify-bundle", Make("m-ok.tar", {"linked-messages:0,2"}).string(), "--verbose"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("ok    incident  INC-0001"), std::string::npos) << v.out;
}

TEST_F(HostileBundle, EditedLinkedMessagesFailVerifyNamingTheIncident) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"linked-messages:0,2", R"([{"item":"EX-0002","index":1}])"},
      {"linked-messages:0,2", "[]"},
      {"linked-messages:0,2",
       R"([{"item":"EX-0002","index":0},{"item":"EX-0002","index":0},{"item":"EX-0002","index":2}])"},
      {"linked-messages:0,2", R"([{"item":"EX-0001","index":0},{"item":"EX-0002","index":2}])"},
      // A list where the entries give none.
      {"", R"([{"item":"EX-0002","index":0}])"}};
  int n = 0;
  for (const auto& [linked, value] : edits) {
    SCOPED_TRACE(value);
    std::vector<std::string> mutations = {"incidents-field:INC-0001:messages:" + value};
    if (!linked.empty()) mutations.push_back(linked);
    auto v = RunEvidence(
        {"verify-bundle", Make("m-" + std::to_string(n++) + ".tar", mutations).string()});
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.out.find("FAIL  incident  INC-0001: \"messages\" is "), std::string::npos) << v.out;
  }
  auto wrong = RunEvidence(
      {"verify-bundle",
       Make("m-type.tar", {"incidents-field:INC-0001:messages:[{\"item\":1}]"}).string()});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("evidence/incidents.json element 0 (INC-0001): \"messages\" element 0: "
                           "\"item\" is number"),
            std::string::npos)
      << wrong.out;
}

// The sender's own entries link a message its export does not hold: listed faithfully in
// incidents.json, it still fails, as `verify` fails it in the sender's case.
TEST_F(HostileBundle, LinkedMessageBeyondTheExportFailsVerifyNamingTheEntry) {
  auto v = RunEvidence({"verify-bundle", Make("m-beyond.tar", {"linked-messages:0,7"}).string()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  auto at = v.out.find("FAIL  incident  INC-0001: entry ");
  ASSERT_NE(at, std::string::npos) << v.out;
  std::string line = v.out.substr(at, v.out.find('\n', at) - at);
  EXPECT_NE(line.find("links message 7 of exhibit EX-0002, which holds 3 messages"),
            std::string::npos)
      << v.out;
}

TEST_F(HostileBundle, ReceiveFailingAfterStagingLeavesNoOrphanObjectOrCustodyFolder) {
  fs::path bundle = Make("ok.tar");
  InitOfficer(/*locked=*/true);
  std::string before = Snapshot();
  // A wrong passphrase: the encrypted case does not even open, and nothing is staged.
  auto r = Ev({"receive", bundle.string()}, {{"EVIDENCE_PASSPHRASE", "wrong"}});
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_EQ(Snapshot(), before);
  ExpectNoLeftovers();
  // With the right passphrase it is received, recording the sender's signed values.
  auto ok = Ev({"--json", "receive", bundle.string(), "--note", "at the desk"},
               {{"EVIDENCE_PASSPHRASE", "officer secret"}});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("unconfirmed"), std::string::npos) << ok.err;
  EXPECT_EQ(json::parse(ok.out)["imported"].size(), 3u);
  EXPECT_EQ(Ev({"verify"}, {{"EVIDENCE_PASSPHRASE", "officer secret"}}).exit_code, 0);
}

// ---- verify-bundle: who signed it, and how much it says ----

class VerifyBundle : public CliTest {
 protected:
  // The victim's case and export.
  void SetUp() override {
    InitCase();
    WriteInput("note.txt", "He waited outside again.\n");
    ASSERT_EQ(Ev({"add", (tmp().path() / "input" / "note.txt").string()}).exit_code, 0);
    ASSERT_EQ(Ev({"export", "--out", Real().string()}).exit_code, 0);
    fingerprint_ = json::parse(Ev({"--json", "key", "show"}).out)["fingerprint"];
  }
  fs::path Real() const { return tmp().path() / "real.zip"; }
  std::string fingerprint_;
};

std::string LastLine(const std::string& out) {
  std::string trimmed = out.substr(0, out.find_last_not_of('\n') + 1);
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

TEST_F(VerifyBundle, LookAlikeSignerIsUnconfirmedNotVerified) {
  // Same owner name and key name as the victim's case, a different key.
  fs::path fake = tmp().path() / "fake";
  ASSERT_EQ(RunEvidence({"-C", fake.string(), "init", "--name", "Test case", "--owner",
                         "Test Owner", "--no-passphrase"})
                .exit_code,
            0);
  fs::path file = WriteInput("note.txt", "He never came.\n");
  ASSERT_EQ(RunEvidence({"-C", fake.string(), "add", file.string()}).exit_code, 0);
  fs::path bundle = tmp().path() / "lookalike.zip";
  ASSERT_EQ(RunEvidence({"-C", fake.string(), "export", "--out", bundle.string()}).exit_code, 0);
  std::string fake_fp =
      json::parse(RunEvidence({"-C", fake.string(), "--json", "key", "show"}).out)["fingerprint"];
  ASSERT_NE(fake_fp, fingerprint_);

  auto v = RunEvidence({"verify-bundle", bundle.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  std::string last = LastLine(v.out);
  EXPECT_EQ(last.find("bundle verifies"), std::string::npos) << last;
  EXPECT_NE(last.find("intact"), std::string::npos) << last;
  EXPECT_NE(last.find("UNCONFIRMED"), std::string::npos) << last;
  EXPECT_NE(last.find(fake_fp), std::string::npos) << last;
  auto j = json::parse(RunEvidence({"--json", "verify-bundle", bundle.string()}).out);
  EXPECT_FALSE(j["signer_confirmed"].get<bool>());

  // The officer was told the real fingerprint: the look-alike fails, naming the mismatch.
  auto checked = RunEvidence({"verify-bundle", bundle.string(), "--fingerprint", fingerprint_});
  EXPECT_EQ(checked.exit_code, 1) << checked.out;
  EXPECT_NE(checked.out.find("FAIL  trust"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("fingerprint mismatch"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find(fake_fp), std::string::npos) << checked.out;
  EXPECT_NE(LastLine(checked.out).find("does NOT verify"), std::string::npos) << checked.out;

  // The real bundle with the real fingerprint verifies, and says whose key it is.
  auto real = RunEvidence({"verify-bundle", Real().string(), "--fingerprint", fingerprint_});
  EXPECT_EQ(real.exit_code, 0) << real.out;
  EXPECT_NE(LastLine(real.out).find("bundle verifies"), std::string::npos) << real.out;
  EXPECT_NE(LastLine(real.out).find(fingerprint_), std::string::npos) << real.out;
  auto malformed = RunEvidence({"verify-bundle", Real().string(), "--fingerprint", "abc"});
  EXPECT_EQ(malformed.exit_code, 2) << malformed.err;
  auto both = RunEvidence(
      {"verify-bundle", Real().string(), "--fingerprint", fingerprint_, "--trust", fingerprint_});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

TEST_F(VerifyBundle, RequireTrustFailsForUnconfirmedSigner) {
  auto v = RunEvidence({"verify-bundle", Real().string(), "--require-trust"});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("FAIL  trust"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("--require-trust"), std::string::npos) << v.out;
  auto ok = RunEvidence(
      {"verify-bundle", Real().string(), "--require-trust", "--fingerprint", fingerprint_});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  auto trusted =
      RunEvidence({"verify-bundle", Real().string(), "--require-trust", "--trust", fingerprint_});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out;
}

// The docs promised `receive` the signer options of verify-bundle, but it took only --trust: an
// officer could not demand the fingerprint the victim read out before taking a bundle into custody.
TEST_F(VerifyBundle, ReceiveTakesFingerprintAndRequireTrust) {
  const fs::path officer = tmp().path() / "officer";
  ASSERT_EQ(RunEvidence({"-C", officer.string(), "init", "--name", "Custody", "--owner", "PC Smith",
                         "--no-passphrase"})
                .exit_code,
            0);
  auto ledger = [&] {
    return RunProgram(
               {"sqlite3", (officer / "ledger.sqlite").string(), "SELECT count(*) FROM entries"})
        .out;
  };
  const std::string before = ledger();
  auto receive = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"-C", officer.string(), "receive", Real().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunEvidence(args);
  };
  auto unconfirmed = receive({"--require-trust"});
  EXPECT_EQ(unconfirmed.exit_code, 1) << unconfirmed.err;
  EXPECT_NE(unconfirmed.err.find("--require-trust"), std::string::npos) << unconfirmed.err;
  auto wrong = receive({"--fingerprint", "SHA256:" + std::string(64, '0')});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  EXPECT_NE(wrong.err.find("fingerprint mismatch"), std::string::npos) << wrong.err;
  EXPECT_EQ(ledger(), before) << "a refused receive recorded something";
  auto right = receive({"--require-trust", "--fingerprint", fingerprint_});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_EQ(right.err.find("unconfirmed"), std::string::npos) << right.err;
  EXPECT_NE(ledger(), before);
}

TEST_F(VerifyBundle, QuietPrintsOnlyFailures) {
  // Default: failures (none), the signer, a count and the verdict; no line per check.
  auto normal = RunEvidence({"verify-bundle", Real().string(), "--fingerprint", fingerprint_});
  ASSERT_EQ(normal.exit_code, 0);
  EXPECT_EQ(normal.out.find("ok    "), std::string::npos) << normal.out;
  EXPECT_NE(normal.out.find("checks passed, 0 failed"), std::string::npos) << normal.out;
  EXPECT_LE(std::count(normal.out.begin(), normal.out.end(), '\n'), 4) << normal.out;
  // --verbose lists every check.
  auto verbose = RunEvidence({"verify-bundle", Real().string(), "--verbose"});
  EXPECT_NE(verbose.out.find("ok    proof  entry 0"), std::string::npos) << verbose.out;
  // -q prints nothing when it verifies...
  auto quiet = RunEvidence({"-q", "verify-bundle", Real().string()});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
  // ...and only the failing lines when it does not.
  auto bad = RunEvidence({"-q", "verify-bundle", Real().string(), "--require-trust"});
  EXPECT_EQ(bad.exit_code, 1);
  ASSERT_FALSE(bad.out.empty());
  std::istringstream lines(bad.out);
  for (std::string line; std::getline(lines, line);) EXPECT_EQ(line.rfind("FAIL  ", 0), 0u) << line;
  // --json stays complete: every check, passing or not.
  auto j = json::parse(RunEvidence({"--json", "-q", "verify-bundle", Real().string()}).out);
  EXPECT_GT(j["checks"].size(), 10u);
}

}  // namespace
}  // namespace evidence::testing
