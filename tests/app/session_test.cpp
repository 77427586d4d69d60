// The app's units: the session's idle lock on an injected clock, its tokens, the guard's header
// rules and the templates.
#include <gtest/gtest.h>

#include <regex>

#include "assets.hpp"
#include "evidence/case.hpp"
#include "guard.hpp"
#include "session.hpp"
#include "testing.hpp"

namespace evidence::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Clock clock() {
    return [this] { return now; };
  }
};

SessionSecrets Secrets() {
  auto s = NewSessionSecrets();
  EXPECT_TRUE(s.ok());
  return *s;
}

Case PlaintextCase(const testing::TempDir& tmp) {
  CaseOptions opt;
  opt.name = "idle";
  auto c = Case::Create(tmp.path() / "case", opt);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(AppSession, IdleLockDestroysTheCaseAfterTheLimit) {
  testing::TempDir tmp;
  FakeClock t;
  Session s(Secrets(), minutes(15), t.clock());
  s.Hold(PlaintextCase(tmp));
  t.now += minutes(14) + seconds(59);
  EXPECT_FALSE(s.LockIfIdle());
  EXPECT_NE(s.unlocked(), nullptr);
  t.now += seconds(1);
  EXPECT_TRUE(s.LockIfIdle());
  EXPECT_EQ(s.unlocked(), nullptr);
}

TEST(AppSession, ARequestRestartsTheIdleClock) {
  testing::TempDir tmp;
  FakeClock t;
  Session s(Secrets(), minutes(15), t.clock());
  s.Hold(PlaintextCase(tmp));
  t.now += minutes(10);
  s.Touch();
  t.now += minutes(10);
  s.Touch();
  EXPECT_NE(s.unlocked(), nullptr) << "never 15 minutes without a request";
  t.now += minutes(15);
  s.Touch();
  EXPECT_EQ(s.unlocked(), nullptr) << "the request after the limit finds the case locked";
}

TEST(AppSession, TheUrlTokenIsSpentOnFirstUse) {
  FakeClock t;
  SessionSecrets secrets = Secrets();
  const std::string token = secrets.url_token;
  const std::string id = secrets.session_id;
  Session s(std::move(secrets), minutes(15), t.clock());
  EXPECT_FALSE(s.Authenticates(id)) << "no session before the token is redeemed";
  EXPECT_FALSE(s.Redeem(std::string(64, '0')));
  EXPECT_EQ(s.Redeem(token), id);
  EXPECT_TRUE(s.Authenticates(id));
  EXPECT_FALSE(s.Redeem(token));
  EXPECT_FALSE(s.Authenticates(""));
  EXPECT_FALSE(s.CsrfMatches(""));
}

TEST(AppSession, TokensAreFreshAndLong) {
  auto a = RandomToken();
  auto b = RandomToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(*a, *b);
}

TEST(AppGuard, HostMustBeLoopbackWithThePort) {
  EXPECT_TRUE(HostAllowed("127.0.0.1:8080", 8080));
  EXPECT_TRUE(HostAllowed("localhost:8080", 8080));
  EXPECT_FALSE(HostAllowed("127.0.0.1", 8080));
  EXPECT_FALSE(HostAllowed("127.0.0.1:80800", 8080));
  EXPECT_FALSE(HostAllowed("attacker.example:8080", 8080));
  EXPECT_FALSE(HostAllowed("", 8080));
  EXPECT_FALSE(OriginAllowed("http://127.0.0.1:8080/", "", 8080));
  EXPECT_FALSE(OriginAllowed("null", "", 8080));
  EXPECT_TRUE(OriginAllowed("http://localhost:8080", "", 8080));
}

// Chromium sends `Origin: null` on the app's own form posts because every page says
// `Referrer-Policy: no-referrer`; Sec-Fetch-Site tells the app's own page from anyone else.
TEST(AppGuard, RegressionNullOriginOfTheAppsOwnFormIsAllowed) {
  EXPECT_TRUE(OriginAllowed("null", "same-origin", 8080));
  EXPECT_FALSE(OriginAllowed("null", "cross-site", 8080));
  EXPECT_FALSE(OriginAllowed("null", "same-site", 8080));
  EXPECT_FALSE(OriginAllowed("null", "none", 8080));
  EXPECT_FALSE(OriginAllowed("http://evil.example", "same-origin", 8080));
}

TEST(AppGuard, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; evidence_session=xyz; b=2", "evidence_session"), "xyz");
  EXPECT_EQ(CookieValue("xevidence_session=1", "evidence_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "evidence_session"), std::nullopt);
}

// Data reaches a page only through {{name}}, which escapes it; the unescaped forms {{{name}}}
// and {{&name}} would let a hostile case name or file name run as script.
TEST(AppTemplates, NoTemplateUsesAnUnescapedTag) {
  int templates = 0;
  for (const Asset& a : AllAssets()) {
    if (!a.name.ends_with(".mustache")) continue;
    ++templates;
    EXPECT_EQ(a.bytes.find("{{{"), std::string_view::npos) << a.name;
    EXPECT_EQ(a.bytes.find("{{&"), std::string_view::npos) << a.name;
    EXPECT_EQ(a.bytes.find("<script>"), std::string_view::npos) << "inline script: " << a.name;
    EXPECT_EQ(a.bytes.find("<style"), std::string_view::npos) << "inline style: " << a.name;
    EXPECT_EQ(a.bytes.find("style=\""), std::string_view::npos) << "inline style: " << a.name;
    const std::string text(a.bytes);
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(\son[a-z]+\s*=)")))
        << "inline event handler: " << a.name;
  }
  EXPECT_GE(templates, 5);
}

}  // namespace
}  // namespace evidence::app
