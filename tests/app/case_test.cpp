// Create, unlock, home, check, lock: what a person sees, against the real binary and the CLI.
#include "app_fixture.hpp"

namespace evidence::testing {
namespace {

constexpr const char* kPass = "correct horse battery staple";

class AppCase : public AppTest {};

TEST_F(AppCase, CreateThroughTheFormThenTheCliVerifies) {
  Start();
  const std::string cookie = Login();
  auto first = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(first);
  EXPECT_NE(first->body.find("Start your evidence case"), std::string::npos);
  const std::string home = CreateThroughForm(cookie, "Harassment 2026", "Jane Smith", kPass);
  EXPECT_NE(home.find("Harassment 2026"), std::string::npos) << home;
  EXPECT_NE(home.find("0 items"), std::string::npos) << home;
  EXPECT_NE(home.find("Not checked yet"), std::string::npos) << home;
  auto r = Ev({"verify"}, {{"EVIDENCE_PASSPHRASE", kPass}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto info = Ev({"--json", "verify"}, {{"EVIDENCE_PASSPHRASE", "wrong"}});
  EXPECT_NE(info.exit_code, 0) << "the case is encrypted under the form's passphrase";
}

TEST_F(AppCase, MismatchedPassphrasesCreateNothing) {
  Start();
  const std::string cookie = Login();
  auto res = Post("/create", cookie,
                  {{"name", "x"}, {"passphrase", kPass}, {"passphrase_again", "other words"}},
                  Csrf(cookie));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("not the same"), std::string::npos) << res->body;
  EXPECT_FALSE(fs::exists(case_dir()));
}

TEST_F(AppCase, WrongPassphraseSaysSoAndChangesNothing) {
  ASSERT_EQ(Ev({"init", "--name", "C"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  const std::string before = Snapshot();
  Start();
  const std::string cookie = Login();
  auto page = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Unlock your case"), std::string::npos) << page->body;
  auto res = Post("/unlock", cookie, {{"passphrase", "not the passphrase"}}, Csrf(cookie));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("That passphrase does not unlock this case"), std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("Nothing was changed"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
  auto right = Post("/unlock", cookie, {{"passphrase", kPass}}, Csrf(cookie));
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 303);
  auto home = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("Lock and quit"), std::string::npos) << home->body;
}

TEST_F(AppCase, GetNeverChangesTheCase) {
  ASSERT_EQ(Ev({"init", "--name", "C"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  Start();
  const std::string cookie = Login();
  ASSERT_EQ(Post("/unlock", cookie, {{"passphrase", kPass}}, Csrf(cookie))->status, 303);
  const std::string before = Snapshot();
  for (const char* path : {"/", "/bye", "/assets/app.js", "/create", "/check", "/lock-and-quit",
                           "/quick-exit", "/nothing"}) {
    auto res = app().Client().Get(path, {{"Cookie", cookie}});
    ASSERT_TRUE(res) << path;
  }
  EXPECT_EQ(Snapshot(), before);
  auto home = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("Lock and quit"), std::string::npos) << "still unlocked";
}

TEST_F(AppCase, HostileNameAndOwnerAppearEscaped) {
  Start();
  const std::string cookie = Login();
  const std::string home =
      CreateThroughForm(cookie, "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", kPass);
  EXPECT_EQ(home.find("<script>alert"), std::string::npos) << home;
  EXPECT_EQ(home.find("<img src=x"), std::string::npos) << home;
  EXPECT_NE(home.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << home;
  EXPECT_NE(home.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << home;
}

TEST_F(AppCase, CheckNowReportsWhatFailed) {
  InitCase();
  const fs::path victim = WriteInput("photo.txt", "a photo of the car");
  ASSERT_EQ(Ev({"add", victim.string()}).exit_code, 0);
  Start();
  const std::string cookie = Login();
  auto ok = Post("/check", cookie, {}, Csrf(cookie));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  auto home = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("Checked today at"), std::string::npos) << home->body;
  EXPECT_NE(home->body.find("nothing has been changed"), std::string::npos) << home->body;
  // Damage the stored object as someone with the folder could.
  for (auto& e : fs::recursive_directory_iterator(case_dir() / "objects")) {
    if (e.is_regular_file()) WriteFile(e.path(), "changed");
  }
  ASSERT_EQ(Post("/check", cookie, {}, Csrf(cookie))->status, 303);
  home = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("something does not match"), std::string::npos) << home->body;
  EXPECT_NE(home->body.find("EX-0001"), std::string::npos) << "names the item: " << home->body;
}

TEST_F(AppCase, PlaintextCaseOpensAndSaysItIsNotEncrypted) {
  InitCase();
  Start();
  const std::string cookie = Login();
  auto home = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("This case is not encrypted"), std::string::npos) << home->body;
  EXPECT_NE(home->body.find("evidence encrypt"), std::string::npos) << home->body;
}

TEST_F(AppCase, LockAndQuitForgetsTheCaseAndExitsZero) {
  ASSERT_EQ(Ev({"init", "--name", "C"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  Start();
  const std::string cookie = Login();
  ASSERT_EQ(Post("/unlock", cookie, {{"passphrase", kPass}}, Csrf(cookie))->status, 303);
  auto res = Post("/lock-and-quit", cookie, {}, Csrf(cookie));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("The case is locked"), std::string::npos) << res->body;
  EXPECT_EQ(app().Wait(), 0);
  EXPECT_EQ(Ev({"verify"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
}

TEST_F(AppCase, QuickExitLocksTheCase) {
  ASSERT_EQ(Ev({"init", "--name", "Secret case"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  Start();
  const std::string cookie = Login();
  ASSERT_EQ(Post("/unlock", cookie, {{"passphrase", kPass}}, Csrf(cookie))->status, 303);
  // As the script's beacon sends it: the token in a header.
  auto res = app().Client().Post(
      "/quick-exit",
      {{"Cookie", cookie}, {"Origin", app().origin()}, {"X-CSRF-Token", Csrf(cookie)}}, "",
      "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/bye");
  auto bye = app().Client().Get("/bye");
  ASSERT_TRUE(bye);
  EXPECT_NE(bye->body.find("<title>Notes</title>"), std::string::npos);
  EXPECT_EQ(bye->body.find("Secret case"), std::string::npos);
  auto next = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(next);
  EXPECT_NE(next->body.find("Unlock your case"), std::string::npos) << next->body;
}

TEST_F(AppCase, CtrlCStopsTheAppAndExitsZero) {
  ASSERT_EQ(Ev({"init", "--name", "C"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  Start();
  const std::string cookie = Login();
  ASSERT_EQ(Post("/unlock", cookie, {{"passphrase", kPass}}, Csrf(cookie))->status, 303);
  app().Signal(SIGINT);
  EXPECT_EQ(app().Wait(), 0);
  EXPECT_EQ(Ev({"verify"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
}

TEST_F(AppCase, IdleMinutesBelowOneIsAUsageError) {
  auto r = Ev({"app", "--no-open", "--idle-minutes", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--idle-minutes"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace evidence::testing
