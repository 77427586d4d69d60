// Hand over and Check a bundle (docs/app.md "Hand over", "Check a bundle"), against the real
// binary: the bundle the page hands over is the one `evidence verify-bundle` accepts.
#include <nlohmann/json.hpp>

#include "app_fixture.hpp"

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

}  // namespace
}  // namespace evidence::testing
