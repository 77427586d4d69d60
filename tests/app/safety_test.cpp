// The local server's safety rules (docs/app.md "Safety"), each against the real binary.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "app_fixture.hpp"

namespace evidence::testing {
namespace {

class AppSafety : public AppTest {
 protected:
  void SetUp() override { Start(); }
};

void ExpectSecurityHeaders(const httplib::Response& res, const std::string& what) {
  EXPECT_EQ(res.get_header_value("Content-Security-Policy"),
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")
      << what;
  EXPECT_EQ(res.get_header_value("Cache-Control"), "no-store") << what;
  EXPECT_EQ(res.get_header_value("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(res.get_header_value("Referrer-Policy"), "no-referrer") << what;
}

TEST_F(AppSafety, WrongHostIsRefused) {
  const std::string cookie = Login();
  for (const std::string& host :
       std::vector<std::string>{"evil.example:" + std::to_string(app().port()), "127.0.0.1",
                                "127.0.0.1:1", "localhost.evil:" + std::to_string(app().port())}) {
    auto res = app().Client().Get("/", {{"Host", host}, {"Cookie", cookie}});
    ASSERT_TRUE(res) << host;
    EXPECT_EQ(res->status, 421) << host;
    EXPECT_EQ(res->body.find("Unlock"), std::string::npos) << host;
    EXPECT_EQ(res->body.find("Start your evidence case"), std::string::npos) << host;
  }
  auto ok = app().Client().Get(
      "/", {{"Host", "localhost:" + std::to_string(app().port())}, {"Cookie", cookie}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(AppSafety, NoTokenOrCookieIsRefused) {
  auto res = app().Client().Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("evidence app"), std::string::npos) << "says how to get in";
  auto bad = app().Client().Get("/", {{"Cookie", "evidence_session=" + std::string(64, 'a')}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  auto post = app().Client().Post("/unlock", {{"Origin", app().origin()}},
                                  httplib::Params{{"passphrase", "x"}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
}

TEST_F(AppSafety, WrongTokenIsRefusedAndDoesNotSpendTheRightOne) {
  auto wrong = app().Client().Get("/?token=" + std::string(64, '0'));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  EXPECT_FALSE(Login().empty());
}

TEST_F(AppSafety, ReusedTokenIsRefused) {
  ASSERT_FALSE(Login().empty());
  auto again = app().Client().Get("/?token=" + app().token());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
  EXPECT_FALSE(again->has_header("Set-Cookie"));
}

TEST_F(AppSafety, TokenGivesAnHttpOnlyStrictCookieAndTheRedirectDropsIt) {
  auto res = app().Client().Get("/?token=" + app().token());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/");
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("evidence_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find(app().token()), std::string::npos) << "the session id is not the token";
}

TEST_F(AppSafety, PostWithoutCsrfTokenIsRefused) {
  const std::string cookie = Login();
  for (const std::string& csrf : std::vector<std::string>{"", std::string(64, 'b')}) {
    auto res = Post(
        "/create", cookie,
        {{"name", "x"}, {"passphrase", "pass phrase"}, {"passphrase_again", "pass phrase"}}, csrf);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << "csrf '" << csrf << "'";
  }
  EXPECT_FALSE(fs::exists(case_dir())) << "nothing was created";
}

TEST_F(AppSafety, PostFromAForeignOriginIsRefused) {
  const std::string cookie = Login();
  const std::string csrf = Csrf(cookie);
  ASSERT_FALSE(csrf.empty());
  for (const std::string& origin : std::vector<std::string>{
           "http://evil.example", "null", "", "https://127.0.0.1:" + std::to_string(app().port()),
           "http://127.0.0.1:" + std::to_string(app().port() + 1)}) {
    httplib::Headers headers = {{"Cookie", cookie}};
    if (!origin.empty()) headers.emplace("Origin", origin);
    auto res = app().Client().Post(
        "/create", headers,
        httplib::Params{
            {"csrf", csrf}, {"passphrase", "p q r s"}, {"passphrase_again", "p q r s"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << "origin '" << origin << "'";
  }
  EXPECT_FALSE(fs::exists(case_dir())) << "nothing was created";
}

// The browser's own form post, as Chromium sends it under `Referrer-Policy: no-referrer`
// (app_browser.* found every form refused): Origin "null", Sec-Fetch-Site "same-origin".
TEST_F(AppSafety, RegressionFormPostWithNullOriginFromTheAppsOwnPageIsAccepted) {
  const std::string cookie = Login();
  const std::string csrf = Csrf(cookie);
  ASSERT_FALSE(csrf.empty());
  const httplib::Params form = {
      {"csrf", csrf}, {"passphrase", "p q r s"}, {"passphrase_again", "p q r s"}};
  auto foreign = app().Client().Post(
      "/create", {{"Cookie", cookie}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}}, form);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_FALSE(fs::exists(case_dir())) << "nothing was created";
  auto own = app().Client().Post(
      "/create", {{"Cookie", cookie}, {"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}}, form);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 303);
  EXPECT_TRUE(fs::exists(case_dir())) << "the case was created";
}

TEST_F(AppSafety, StateChangingPathsRefuseGet) {
  const std::string cookie = Login();
  for (const char* path : {"/create", "/unlock", "/check", "/lock-and-quit", "/quick-exit"}) {
    auto res = app().Client().Get(path, {{"Cookie", cookie}});
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
  auto still = app().Client().Get("/", {{"Cookie", cookie}});
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200) << "the server is still running";
}

TEST_F(AppSafety, SecurityHeadersOnEveryKindOfResponse) {
  const std::string cookie = Login();
  auto page = app().Client().Get("/", {{"Cookie", cookie}});
  auto css = app().Client().Get("/assets/app.css");
  auto js = app().Client().Get("/assets/app.js");
  auto forbidden = app().Client().Get("/");
  auto missing = app().Client().Get("/no-such-page", {{"Cookie", cookie}});
  auto too_big = Post("/unlock", cookie, {{"passphrase", std::string(100 * 1024, 'x')}}, "");
  for (auto* r : {&page, &css, &js, &forbidden, &missing, &too_big}) ASSERT_TRUE(*r);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(too_big->status, 413);
  ExpectSecurityHeaders(*page, "page");
  ExpectSecurityHeaders(*css, "css");
  ExpectSecurityHeaders(*js, "js");
  ExpectSecurityHeaders(*forbidden, "403");
  ExpectSecurityHeaders(*missing, "404");
  ExpectSecurityHeaders(*too_big, "413");
}

TEST_F(AppSafety, TemplatesAreNotServed) {
  auto res = app().Client().Get("/assets/layout.mustache");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(AppSafety, ListensOnlyOnLoopback) {
  ifaddrs* list = nullptr;
  ASSERT_EQ(getifaddrs(&list), 0);
  std::string address;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    address = text;
    break;
  }
  freeifaddrs(list);
  if (address.empty()) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
  httplib::Client c(address, app().port());
  c.set_connection_timeout(2);
  auto res = c.Get("/?token=" + app().token());
  EXPECT_FALSE(res) << "reachable on " << address;
  EXPECT_FALSE(Login().empty()) << "the token was not spent from outside";
}

}  // namespace
}  // namespace evidence::testing
