// Forgeries made with the case folder and the sqlite3 shell but without the key: none of them may
// ever be signed by the victim's next command, shown as genuine, or exported. Each test is named
// after the defect it covers (docs/reliability.md "The guard", docs/case-format.md).
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/hash.hpp"
#include "evidence/key_file.hpp"
#include "evidence/merkle.hpp"
#include "evidence/signing.hpp"

namespace evidence::testing {
namespace {

constexpr const char* kRefusal = "the case does not verify";

class Forgery : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    auto r = Ev({"add", WriteInput("a.txt", "the genuine message").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Ev({"verify"}).exit_code, 0);
  }

  fs::path ObjectPath(const std::string& hex) {
    return case_dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  }

  // Attack 1 of the issue: another file in place of EX-0001, its item.ingested and item.metadata
  // entries rewritten with the new hash and size and their leaf hashes recomputed. Returns the
  // forged file's SHA-256.
  std::string ForgeExhibit() {
    const std::string forged = "a forged message, planted later";
    const std::string hex = DigestHex(Sha256::Of(std::string_view(forged)));
    const std::string genuine = DigestHex(Sha256::Of(std::string_view("the genuine message")));
    fs::create_directories(ObjectPath(hex).parent_path());
    WriteFile(ObjectPath(hex), forged);
    fs::remove(ObjectPath(genuine));
    DropTriggers();
    std::istringstream seqs(Sql("SELECT seq FROM entries WHERE item = 'EX-0001' ORDER BY seq"));
    int rewritten = 0;
    for (std::string line; std::getline(seqs, line);) {
      const std::uint64_t seq = std::stoull(line);
      auto j = nlohmann::json::parse(EntryText(seq));
      j["data"]["sha256"] = hex;
      if (j["data"].contains("size")) j["data"]["size"] = forged.size();
      auto text = CanonicalJson(j);
      EXPECT_TRUE(text.ok());
      WriteEntry(seq, *text);
      ++rewritten;
    }
    EXPECT_GE(rewritten, 1);
    Sql("UPDATE items SET sha256 = '" + hex + "', size = " + std::to_string(forged.size()) +
        " WHERE exhibit = 'EX-0001';");
    return hex;
  }

  // A command the guard must refuse: exit 1, the refusal on stderr, and nothing recorded.
  void ExpectRefused(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {}) {
    const std::string before = Snapshot();
    auto r = Ev(args, env);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(kRefusal), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("evidence verify"), std::string::npos) << r.err;
    EXPECT_EQ(Snapshot(), before) << args[0] << " recorded something";
  }
};

TEST_F(Forgery, ForgedExhibitWithRecomputedLeavesIsNeverSigned) {
  ForgeExhibit();
  Sql("DELETE FROM nodes; DELETE FROM checkpoints WHERE size > 2;");
  const fs::path out = tmp().path() / "out";
  fs::create_directories(out);
  ExpectRefused({"add", WriteInput("b.txt", "a later file").string()});
  ExpectRefused({"extract", "EX-0001", "--to", out.string()});
  ExpectRefused({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "gift", "--what",
                 "A box on the doorstep"});
  ExpectRefused({"key", "rotate", "--no-passphrase"});
  ExpectRefused({"export", "--out", (tmp().path() / "b.zip").string()});
  EXPECT_FALSE(fs::exists(tmp().path() / "b.zip"));
  EXPECT_FALSE(fs::exists(out / "a.txt"));
  EXPECT_EQ(Ev({"verify"}).exit_code, 1);
}

// The same forgery with the node cache and checkpoints left alone: the cache still gives the
// signed root, so a careless writer would append on top of the forged rows. The next checkpoint
// must commit to the genuine entries instead, and nothing may hand the forged file out.
TEST_F(Forgery, ForgedEntriesUnderAnIntactCacheAreNeverSigned) {
  const std::string genuine2 = EntryText(2), genuine3 = EntryText(3);
  ForgeExhibit();
  const fs::path out = tmp().path() / "out";
  fs::create_directories(out);
  ExpectRefused({"extract", "EX-0001", "--to", out.string()});
  EXPECT_FALSE(fs::exists(out / "a.txt"));
  auto e = Ev({"export", "--out", (tmp().path() / "b.zip").string()});
  EXPECT_EQ(e.exit_code, 1) << e.err;
  EXPECT_FALSE(fs::exists(tmp().path() / "b.zip"));
  ASSERT_EQ(Ev({"add", WriteInput("b.txt", "a later file").string()}).exit_code, 0);
  // Put the genuine rows back: only then does the case verify, so the checkpoint `add` signed
  // commits to them, not to the forgery.
  WriteEntry(2, genuine2);
  WriteEntry(3, genuine3);
  WriteFile(ObjectPath(DigestHex(Sha256::Of(std::string_view("the genuine message")))),
            "the genuine message");
  Sql("UPDATE items SET sha256 = '" +
      DigestHex(Sha256::Of(std::string_view("the genuine message"))) +
      "', size = 19 WHERE exhibit = 'EX-0001';");
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST_F(Forgery, SwappedUnencryptedKeyFileIsRefused) {
  std::string uuid = nlohmann::json::parse(ReadFile(case_dir() / "case.json"))["uuid"];
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  auto sealed = SealSigningKey(*key, "test-owner", uuid, std::nullopt);
  ASSERT_TRUE(sealed.ok());
  WriteFile(case_dir() / "keys" / "test-owner.key", *sealed);
  WriteFile(case_dir() / "keys" / "test-owner.pub.pem", key->public_key().ToPem());
  const std::string before = Snapshot();
  auto r = Ev({"add", WriteInput("b.txt", "a later file").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("not the key in force"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(kRefusal), std::string::npos) << r.err;
  // Only the checkpoints count: the refused add leaves no entry and no signature behind.
  EXPECT_EQ(Sql("SELECT count(*) FROM checkpoints"), "2\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM entries"), "4\n");
  ExpectRefused({"key", "rotate", "--no-passphrase"});
  (void)before;
}

}  // namespace
}  // namespace evidence::testing
