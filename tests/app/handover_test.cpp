// Hand over and Check a bundle (docs/app.md "Hand over", "Check a bundle"), against the real
// binary: the bundle the page hands over is the one `evidence verify-bundle` accepts.
#include <unistd.h>

#include <chrono>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app_fixture.hpp"
#include "evidence/age.hpp"

namespace evidence::testing {
namespace {

class AppHandover : public AppTest {
 protected:
  // A plaintext case with one file added through the CLI, served by the app, logged in.
  void AddThenStart() {
    InitCase();
    auto r = Ev({"add", WriteInput("threat.txt", "you will regret this").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Start();
    cookie_ = Login();
    auto home = Get("/");
    ASSERT_EQ(home.status, 200) << home.body;
    csrf_ = Csrf(cookie_);
    ASSERT_FALSE(csrf_.empty());
  }

  httplib::Response Get(const std::string& path) {
    auto res = app().Client().Get(path, {{"Cookie", cookie_}});
    EXPECT_TRUE(res) << path;
    return res ? *res : httplib::Response{};
  }

  httplib::Response PostForm(const std::string& path, httplib::Params form) {
    auto res = Post(path, cookie_, std::move(form), csrf_);
    EXPECT_TRUE(res) << path;
    return res ? *res : httplib::Response{};
  }

  std::string Fingerprint() {
    auto r = Ev({"--json", "key", "show"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out).at("fingerprint");
  }

  // Hands over through the form; returns the path of the page the export leads to.
  std::string HandOver(httplib::Params form) {
    auto res = PostForm("/handover", std::move(form));
    EXPECT_EQ(res.status, 303) << res.body;
    std::string to = res.get_header_value("Location");
    EXPECT_TRUE(to.starts_with("/handover/done/")) << to;
    return to;
  }

  // Downloads the bundle of the page `done` into the test's folder under `name`.
  fs::path Download(const std::string& done, const std::string& name) {
    const std::string seq = done.substr(std::string("/handover/done/").size());
    auto res = PostForm("/handover/download/" + seq, {});
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.get_header_value("Content-Type"), "application/octet-stream");
    EXPECT_TRUE(res.get_header_value("Content-Disposition").starts_with("attachment;"))
        << res.get_header_value("Content-Disposition");
    fs::path out = tmp().path() / name;
    WriteFile(out, res.body);
    return out;
  }

  // Every file under the case folder whose name looks like a bundle.
  std::vector<std::string> BundlesInCase() {
    std::vector<std::string> found;
    for (auto& e : fs::recursive_directory_iterator(case_dir())) {
      const std::string n = e.path().filename().string();
      if (n.ends_with(".zip") || n.ends_with(".age") || n.ends_with(".tar")) found.push_back(n);
    }
    return found;
  }

  std::string cookie_;
  std::string csrf_;
};

TEST_F(AppHandover, ExportDownloadsABundleThatVerifiesAndShowsTheFingerprint) {
  AddThenStart();
  auto form = Get("/handover");
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("threat.txt"), std::string::npos) << form.body;

  const std::string done =
      HandOver({{"what", "everything"}, {"recipient", "PC 1234 Smith"}, {"travel", "zip"}});
  auto page = Get(done);
  EXPECT_EQ(page.status, 200);
  const std::string fp = Fingerprint();
  ASSERT_TRUE(fp.starts_with("SHA256:")) << fp;
  EXPECT_NE(page.body.find(fp), std::string::npos) << page.body;
  // Read aloud in groups of four.
  EXPECT_NE(page.body.find(fp.substr(7, 4) + " " + fp.substr(11, 4)), std::string::npos);
  EXPECT_NE(page.body.find("export.created"), std::string::npos);
  EXPECT_NE(page.body.find("PC 1234 Smith"), std::string::npos);
  EXPECT_NE(page.body.find("evidence verify-bundle"), std::string::npos);
  EXPECT_NE(page.body.find("--fingerprint " + fp), std::string::npos);
  EXPECT_NE(page.body.find("evidence receive"), std::string::npos);

  const fs::path bundle = Download(done, "handed.zip");
  auto v = RunEvidence({"verify-bundle", bundle.string(), "--fingerprint", fp});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto log = Ev({"log"});
  EXPECT_NE(log.out.find("export.created"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("PC 1234 Smith"), std::string::npos) << log.out;
}

TEST_F(AppHandover, TheExportFileIsNotLeftInTheCaseFolderAfterTheDownload) {
  AddThenStart();
  const std::string done = HandOver({{"what", "everything"}, {"travel", "zip"}});
  EXPECT_EQ(BundlesInCase().size(), 1u) << "the bundle waits inside the case until downloaded";
  Download(done, "handed.zip");
  EXPECT_EQ(BundlesInCase(), std::vector<std::string>{});
  auto again = Get(done);
  EXPECT_NE(again.body.find("has been downloaded"), std::string::npos) << again.body;
  auto second = PostForm(
      done.substr(0, done.find("/done/")) + "/download/" + done.substr(done.rfind('/') + 1), {});
  EXPECT_EQ(second.status, 303) << "nothing left to download";
}

// A bundle leaves the case's encryption: the page offers a locked one first, and a form that says
// nothing of how it travels is not made into a plain archive.
TEST_F(AppHandover, ThePageOffersAPassphraseLockedBundleFirstAndNeverAPlainOneUnasked) {
  AddThenStart();
  auto form = Get("/handover");
  ASSERT_EQ(form.status, 200);
  const std::size_t locked = form.body.find("id=\"travel-passphrase\"");
  const std::size_t plain = form.body.find("id=\"travel-zip\"");
  ASSERT_NE(locked, std::string::npos) << form.body;
  ASSERT_NE(plain, std::string::npos) << form.body;
  EXPECT_LT(locked, plain) << "the locked bundle comes first";
  const std::string checked = form.body.substr(locked, form.body.find('>', locked) - locked);
  EXPECT_NE(checked.find("checked"), std::string::npos) << checked;
  EXPECT_EQ(form.body.substr(plain, form.body.find('>', plain) - plain).find("checked"),
            std::string::npos);

  auto refused = PostForm("/handover", {{"what", "everything"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("please choose a passphrase for the bundle"), std::string::npos)
      << refused.body;
  EXPECT_EQ(BundlesInCase(), std::vector<std::string>{});
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);
}

TEST_F(AppHandover, PassphraseBundleOpensWithThePassphrase) {
  AddThenStart();
  const std::string pass = "read to the officer by phone";
  const std::string done = HandOver({{"what", "everything"},
                                     {"travel", "passphrase"},
                                     {"bundle_passphrase", pass},
                                     {"bundle_passphrase_again", pass}});
  auto page = Get(done);
  EXPECT_NE(page.body.find("--bundle-passphrase"), std::string::npos) << page.body;
  const fs::path bundle = Download(done, "handed.zip.age");
  auto v = RunEvidence({"verify-bundle", bundle.string(), "--fingerprint", Fingerprint()},
                       {{"EVIDENCE_BUNDLE_PASSPHRASE", pass}});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto wrong =
      RunEvidence({"verify-bundle", bundle.string()}, {{"EVIDENCE_BUNDLE_PASSPHRASE", "not it"}});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
}

TEST_F(AppHandover, AgeKeyBundleOpensWithTheOfficersIdentity) {
  AddThenStart();
  const fs::path key = tmp().path() / "officer.txt";
  auto gen = RunProgram({"/usr/bin/age-keygen", "-o", key.string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto pub = RunProgram({"/usr/bin/age-keygen", "-y", key.string()});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  const std::string recipient = pub.out.substr(0, pub.out.find('\n'));
  const std::string done =
      HandOver({{"what", "everything"}, {"travel", "age"}, {"age_recipients", recipient}});
  const fs::path bundle = Download(done, "handed.zip.age");
  auto v = RunEvidence(
      {"verify-bundle", bundle.string(), "-i", key.string(), "--fingerprint", Fingerprint()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto plain = RunProgram({"/usr/bin/age", "-d", "-i", key.string(), "-o",
                           (tmp().path() / "opened.zip").string(), bundle.string()});
  EXPECT_EQ(plain.exit_code, 0) << plain.err << " (the reference age opens it too)";
}

TEST_F(AppHandover, AnAgeSecretKeyIsRefusedWithoutBeingShown) {
  AddThenStart();
  const std::string secret =
      "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
  auto res = PostForm("/handover",
                      {{"what", "everything"}, {"travel", "age"}, {"age_recipients", secret}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("secret key"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find(secret), std::string::npos) << "the secret is not echoed";
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);
}

TEST_F(AppHandover, MismatchedBundlePassphrasesRecordNothing) {
  AddThenStart();
  auto res = PostForm("/handover", {{"what", "everything"},
                                    {"travel", "passphrase"},
                                    {"bundle_passphrase", "one thing"},
                                    {"bundle_passphrase_again", "another"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("not the same"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("Nothing was handed over"), std::string::npos);
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);
  EXPECT_EQ(BundlesInCase(), std::vector<std::string>{});
}

TEST_F(AppHandover, NothingTickedIsRefusedInWords) {
  AddThenStart();
  auto res = PostForm("/handover", {{"what", "chosen"}, {"travel", "zip"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("Please tick"), std::string::npos) << res.body;
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);
}

TEST_F(AppHandover, OnlyTheTickedItemIsHandedOver) {
  AddThenStart();
  auto r = Ev({"add", WriteInput("private.txt", "not for anyone").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string done = HandOver({{"what", "chosen"}, {"items", "EX-0001"}, {"travel", "zip"}});
  EXPECT_NE(Get(done).body.find("Items of evidence: 1."), std::string::npos);
  const fs::path bundle = Download(done, "one.zip");
  auto v =
      RunEvidence({"--json", "verify-bundle", bundle.string(), "--fingerprint", Fingerprint()});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(nlohmann::json::parse(v.out).at("items"), 1) << v.out;
  EXPECT_EQ(ReadFile(bundle).find("private.txt"), std::string::npos);
}

// The window is `export --since/--until`: the diary entries of those days, not the evidence added
// today, and dates that hold nothing or run backwards are refused before anything is recorded.
TEST_F(AppHandover, OnlyWhatHappenedBetweenTheDatesIsHandedOver) {
  AddThenStart();
  for (const char* at : {"2026-01-05 10:00", "2026-03-14 09:00"}) {
    auto r = Ev({"incident", "add", "--at", at, "--behaviour", "gift", "--what",
                 std::string("left at the door on ") + at});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (const auto& [from, until, why] :
       {std::tuple{"", "", "Please give the first day, the last day, or both"},
        std::tuple{"2026-03-31", "2026-03-01", "The first day is after the last day"},
        std::tuple{"2026-02-01", "2026-02-28", "Nothing in the case happened between those dates"},
        std::tuple{"2026-13-40", "", "The first day: "}}) {
    auto res = PostForm("/handover",
                        {{"what", "window"}, {"from", from}, {"until", until}, {"travel", "zip"}});
    EXPECT_EQ(res.status, 400) << from << " " << until;
    EXPECT_NE(res.body.find(why), std::string::npos) << res.body;
  }
  auto ticked = PostForm(
      "/handover",
      {{"what", "window"}, {"from", "2026-03-01"}, {"items", "EX-0001"}, {"travel", "zip"}});
  EXPECT_EQ(ticked.status, 400);
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);

  const std::string done = HandOver(
      {{"what", "window"}, {"from", "2026-03-01"}, {"until", "2026-03-31"}, {"travel", "zip"}});
  EXPECT_NE(Get(done).body.find("Items of evidence: 0. Diary entries: 1."), std::string::npos);
  const fs::path bundle = Download(done, "march.zip");
  auto v =
      RunEvidence({"--json", "verify-bundle", bundle.string(), "--fingerprint", Fingerprint()});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  const std::string archive = ReadFile(bundle);
  EXPECT_EQ(archive.find("threat.txt"), std::string::npos) << "added today, outside the window";
}

TEST_F(AppHandover, TicksWithEverythingAreAskedAboutNotHandedOver) {
  AddThenStart();
  auto res =
      PostForm("/handover", {{"what", "everything"}, {"items", "EX-0001"}, {"travel", "zip"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("Only what I tick below"), std::string::npos) << res.body;
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);
}

TEST_F(AppHandover, HandOverNeedsTheCsrfTokenAndTheSameOrigin) {
  AddThenStart();
  httplib::Params form = {{"what", "everything"}, {"travel", "zip"}};
  auto no_csrf = Post("/handover", cookie_, form, "");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  form.emplace("csrf", csrf_);
  auto cross = app().Client().Post("/handover",
                                   {{"Cookie", cookie_}, {"Origin", "http://evil.example"}}, form);
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  EXPECT_EQ(Ev({"log"}).out.find("export.created"), std::string::npos);

  const std::string done = HandOver({{"what", "everything"}, {"travel", "zip"}});
  const std::string download = "/handover/download/" + done.substr(done.rfind('/') + 1);
  auto steal = Post(download, cookie_, {}, "");
  ASSERT_TRUE(steal);
  EXPECT_EQ(steal->status, 403);
  EXPECT_EQ(BundlesInCase().size(), 1u) << "a refused download leaves the bundle waiting";
}

// An officer's own case, served by the app, and a bundle from another case made with the CLI.
class AppCheckBundle : public AppHandover {
 protected:
  void SetUp() override {
    const fs::path victim = tmp().path() / "victim";
    auto r = RunEvidence({"-C", victim.string(), "init", "--name", "Victim", "--owner",
                          "Victim Person", "--no-passphrase"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunEvidence(
        {"-C", victim.string(), "add", WriteInput("threat.txt", "you will regret this").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    bundle_ = tmp().path() / "handed.tar";
    r = RunEvidence({"-C", victim.string(), "export", "--out", bundle_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto key = RunEvidence({"-C", victim.string(), "--json", "key", "show"});
    fingerprint_ = nlohmann::json::parse(key.out).at("fingerprint");
    InitCase();
    Start();
    cookie_ = Login();
    ASSERT_EQ(Get("/").status, 200);
    csrf_ = Csrf(cookie_);
  }

  httplib::Response Upload(const std::string& bytes, const std::string& fingerprint,
                           const std::string& csrf, const std::string& origin) {
    httplib::MultipartFormDataItems form;
    if (!csrf.empty()) form.push_back({"csrf", csrf, "", ""});
    form.push_back({"fingerprint", fingerprint, "", ""});
    form.push_back({"bundle", bytes, "handed.tar", "application/x-tar"});
    auto res =
        app().Client().Post("/check-bundle", {{"Cookie", cookie_}, {"Origin", origin}}, form);
    EXPECT_TRUE(res);
    return res ? *res : httplib::Response{};
  }

  httplib::Response Upload(const std::string& bytes, const std::string& fingerprint = "") {
    return Upload(bytes, fingerprint, csrf_, app().origin());
  }

  bool NothingWaits() {
    std::error_code ec;
    return !fs::exists(case_dir() / "app-check", ec) || fs::is_empty(case_dir() / "app-check");
  }

  fs::path bundle_;
  std::string fingerprint_;
};

TEST_F(AppCheckBundle, GoodBundleShowsEveryCheckPassed) {
  auto form = Get("/check-bundle");
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  auto res = Upload(ReadFile(bundle_), fingerprint_);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("This bundle verifies"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find(", 0 failed"), std::string::npos);
  EXPECT_EQ(res.body.find("FAILED"), std::string::npos);
  EXPECT_NE(res.body.find(fingerprint_), std::string::npos);
  EXPECT_NE(res.body.find("Receive into this case"), std::string::npos);
  EXPECT_EQ(Ev({"log"}).out.find("bundle.received"), std::string::npos)
      << "a check records nothing";
  auto forget = PostForm("/check-bundle/forget", {});
  EXPECT_EQ(forget.status, 303);
  EXPECT_TRUE(NothingWaits());
}

TEST_F(AppCheckBundle, WithoutAFingerprintTheSignerIsUnconfirmed) {
  auto res = Upload(ReadFile(bundle_));
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("is not confirmed"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find(fingerprint_), std::string::npos);
}

TEST_F(AppCheckBundle, TamperedPayloadByteShowsTheFailingCheckNamingTheFile) {
  std::string bytes = ReadFile(bundle_);
  const auto at = bytes.find("you will regret this");
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x01;
  auto res = Upload(bytes, fingerprint_);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("does NOT verify"), std::string::npos) << res.body;
  const auto failed = res.body.find("FAILED");
  ASSERT_NE(failed, std::string::npos);
  const std::string line = res.body.substr(failed, res.body.find("</li>", failed) - failed);
  EXPECT_NE(line.find("threat.txt"), std::string::npos) << line;
  EXPECT_EQ(res.body.find("Receive into this case"), std::string::npos);
}

TEST_F(AppCheckBundle, ReceiveImportsTheItemsAndRemovesTheUpload) {
  ASSERT_EQ(Upload(ReadFile(bundle_), fingerprint_).status, 200);
  EXPECT_FALSE(NothingWaits());
  auto res = PostForm("/check-bundle/receive",
                      {{"fingerprint", fingerprint_}, {"note", "from the victim, by hand"}});
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("href=\"/evidence/EX-0001\""), std::string::npos) << res.body;
  EXPECT_TRUE(NothingWaits());
  EXPECT_NE(Ev({"list"}).out.find("threat.txt"), std::string::npos);
  auto log = Ev({"log"});
  EXPECT_NE(log.out.find("bundle.received"), std::string::npos) << log.out;
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(AppCheckBundle, UploadNeedsTheCsrfTokenAndTheSameOriginAndStoresNothingWithout) {
  auto no_csrf = Upload(ReadFile(bundle_), "", "", app().origin());
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_TRUE(NothingWaits());
  auto cross = Upload(ReadFile(bundle_), "", csrf_, "http://evil.example");
  EXPECT_EQ(cross.status, 403);
  EXPECT_TRUE(NothingWaits());
  ASSERT_EQ(Upload(ReadFile(bundle_), fingerprint_).status, 200);
  auto receive = Post("/check-bundle/receive", cookie_, {{"note", "x"}}, "");
  ASSERT_TRUE(receive);
  EXPECT_EQ(receive->status, 403);
  EXPECT_EQ(Ev({"log"}).out.find("bundle.received"), std::string::npos);
}

TEST_F(AppCheckBundle, AFileThatIsNotABundleIsRefusedInWordsAndLeavesNothing) {
  auto res = Upload("<script>alert(1)</script> is not a bundle");
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_NE(res.body.find("Nothing was stored"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("<script>alert"), std::string::npos);
  EXPECT_TRUE(NothingWaits());
}

TEST_F(AppCheckBundle, AgeBundleOpensWithItsPassphraseAndIsReceived) {
  const fs::path victim = tmp().path() / "victim";
  const fs::path locked = tmp().path() / "handed.tar.age";
  const fs::path pass_file = WriteInput("pass.txt", "read to the officer by phone\n");
  auto r = RunEvidence({"-C", victim.string(), "export", "--out", locked.string(),
                        "--encrypt-passphrase", "--bundle-passphrase-file", pass_file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  httplib::MultipartFormDataItems form = {
      {"csrf", csrf_, "", ""},
      {"fingerprint", fingerprint_, "", ""},
      {"bundle_passphrase", "read to the officer by phone", "", ""},
      {"bundle", ReadFile(locked), "handed.tar.age", "application/octet-stream"}};
  auto res =
      app().Client().Post("/check-bundle", {{"Cookie", cookie_}, {"Origin", app().origin()}}, form);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("This bundle verifies"), std::string::npos) << res->body;
  auto received = PostForm(
      "/check-bundle/receive",
      {{"fingerprint", fingerprint_}, {"bundle_passphrase", "read to the officer by phone"}});
  EXPECT_EQ(received.status, 200) << received.body;
  EXPECT_NE(received.body.find("EX-0001"), std::string::npos) << received.body;
}

// A bundle locked to the officer's own age key (`export --encrypt-to age1...`) opens with the key
// pasted into the passphrase box: the whole identity file, run together on one line as a
// one-line box leaves it, or the key alone; a passphrase does not open it.
TEST_F(AppCheckBundle, AgeBundleOpensWithTheOfficersSecretKeyAndIsReceived) {
  auto officer = AgeIdentity::Generate();
  ASSERT_TRUE(officer.ok());
  const fs::path victim = tmp().path() / "victim";
  const fs::path locked = tmp().path() / "to-officer.tar.age";
  auto r = RunEvidence({"-C", victim.string(), "export", "--out", locked.string(), "--encrypt-to",
                        officer->Recipient()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string key_file =
      "# created: 2026-12-04T04:30:00Z# public key: " + officer->Recipient() +
      officer->SecretKeyText();
  auto check = [&](const std::string& box) {
    httplib::MultipartFormDataItems form = {
        {"csrf", csrf_, "", ""},
        {"fingerprint", fingerprint_, "", ""},
        {"bundle_passphrase", box, "", ""},
        {"bundle", ReadFile(locked), "to-officer.tar.age", "application/octet-stream"}};
    auto res = app().Client().Post("/check-bundle",
                                   {{"Cookie", cookie_}, {"Origin", app().origin()}}, form);
    EXPECT_TRUE(res);
    return res ? *res : httplib::Response{};
  };
  auto wrong = check("not the key");
  EXPECT_EQ(wrong.body.find("This bundle verifies"), std::string::npos) << wrong.body;
  auto res = check(officer->SecretKeyText());
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("This bundle verifies"), std::string::npos) << res.body;
  res = check(key_file);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("This bundle verifies"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find(officer->SecretKeyText()), std::string::npos) << "never shown back";
  auto received = PostForm("/check-bundle/receive",
                           {{"fingerprint", fingerprint_}, {"bundle_passphrase", key_file}});
  EXPECT_EQ(received.status, 200) << received.body;
  EXPECT_NE(received.body.find("EX-0001"), std::string::npos) << received.body;
}

TEST_F(AppCheckBundle, UploadOverTheLimitIsRefusedBeforeItIsRead) {
  RawConnection raw(app().port());
  ASSERT_TRUE(raw.connected());
  const std::string host = "127.0.0.1:" + std::to_string(app().port());
  const std::string req = "POST /check-bundle HTTP/1.1\r\nHost: " + host +
                          "\r\nCookie: " + cookie_ + "\r\nOrigin: http://" + host +
                          "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                          "Content-Length: 9000000000\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(raw.Send(req));
  const std::string out = raw.ReadAll();
  raw.Close();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out.substr(0, 200);
  EXPECT_TRUE(NothingWaits());
}

TEST_F(AppCheckBundle, HostileNamesInABundleAreShownAsText) {
  const fs::path victim = tmp().path() / "hostile";
  auto r = RunEvidence({"-C", victim.string(), "init", "--name", "<script>alert(1)</script>",
                        "--owner", "Victim Person", "--no-passphrase"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunEvidence({"-C", victim.string(), "add",
                   WriteInput("<img src=x onerror=alert(1)>.txt", "a payload to flip").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path bundle = tmp().path() / "hostile.tar";
  r = RunEvidence({"-C", victim.string(), "export", "--out", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string bytes = ReadFile(bundle);
  const auto at = bytes.find("a payload to flip");
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x01;  // a failing line names the file
  auto res = Upload(bytes);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("<img src=x"), std::string::npos);
  EXPECT_EQ(res.body.find("<script>alert"), std::string::npos);
}

TEST_F(AppCheckBundle, AnUploadCutShortLeavesNothing) {
  RawConnection raw(app().port());
  ASSERT_TRUE(raw.connected());
  const std::string host = "127.0.0.1:" + std::to_string(app().port());
  const std::string body = "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf_ +
                           "\r\n--x\r\nContent-Disposition: form-data; name=\"bundle\"; "
                           "filename=\"b.tar\"\r\nContent-Type: application/x-tar\r\n\r\n" +
                           ReadFile(bundle_).substr(0, 4000);
  const std::string req = "POST /check-bundle HTTP/1.1\r\nHost: " + host +
                          "\r\nCookie: " + cookie_ + "\r\nOrigin: http://" + host +
                          "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                          "Content-Length: " +
                          std::to_string(body.size() + 100000) + "\r\n\r\n" + body;
  ASSERT_TRUE(raw.Send(req));
  // The start of the bundle is stored as it arrives, while the rest is awaited.
  const fs::path part = case_dir() / "app-check" / "bundle.part";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(part) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(fs::exists(part));
  raw.EndSending();  // the browser went away mid-upload
  // The session's requests are served one at a time: this one is answered only once the upload's
  // handler has finished with the broken body.
  EXPECT_EQ(Get("/").status, 200) << "the app goes on serving";
  raw.Close();
  EXPECT_TRUE(NothingWaits());
}

}  // namespace
}  // namespace evidence::testing
