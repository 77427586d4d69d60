// The Messages pages and linking evidence to the diary, against the real binary and the CLI:
// a conversation in pages of 200, its search and filters, the stalker's text escaped, and the
// links recorded as `evidence link` records them.
#include "app_fixture.hpp"

namespace evidence::testing {
namespace {

// 450 numbered messages over five days from the 13th (100 a day from 08:00, every third from Sam),
// then a line of script and a picture named in the chat on the sixth day.
std::string Chat() {
  std::string s;
  char line[160];
  for (int i = 0; i < 450; ++i) {
    const int minute = i % 100;
    std::snprintf(line, sizeof line, "%02d/03/2026, %02d:%02d - %s: message number %d\n",
                  13 + i / 100, 8 + minute / 60, minute % 60, i % 3 == 0 ? "Sam" : "Daniel Marsh",
                  i);
    s += line;
  }
  s += "18/03/2026, 21:00 - Daniel Marsh: <script>alert(1)</script>\n";
  s += "18/03/2026, 21:01 - Daniel Marsh: IMG-20260318-WA0001.jpg (file attached)\n";
  return s;
}

// The text of message `i` as the page shows it, with the tags around it so that "message
// number 20" does not also find "message number 200".
std::string Shown(int i) {
  return "<p class=\"message-text\">message number " + std::to_string(i) + "</p>";
}

class AppMessages : public AppTest {
 protected:
  // A plaintext case served by the app, with the chat as EX-0001, a note as EX-0002 and one
  // incident, and a logged-in session.
  void SetUp() override {
    AppTest::SetUp();
    InitCase();
    ASSERT_EQ(Ev({"add", WriteInput("chat.txt", Chat()).string()}).exit_code, 0);
    ASSERT_EQ(Ev({"add", WriteInput("note.txt", "a note on the car").string()}).exit_code, 0);
    auto inc = Ev({"incident", "add", "--at", "2026-03-14T09:00", "--behaviour", "messaging-app",
                   "--what", "He would not stop messaging"});
    ASSERT_EQ(inc.exit_code, 0) << inc.err;
    Start();
    cookie_ = Login();
    csrf_ = Csrf(cookie_);
  }
  std::string Page(const std::string& path) {
    auto res = app().Client().Get(path, {{"Cookie", cookie_}});
    EXPECT_TRUE(res) << path;
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << path;
    return res->body;
  }
  std::string cookie_;
  std::string csrf_;
};

bool Has(const std::string& page, const std::string& text) {
  return page.find(text) != std::string::npos;
}

TEST_F(AppMessages, ListNamesTheExportAndItsCount) {
  const std::string page = Page("/messages");
  EXPECT_TRUE(Has(page, "href=\"/messages/EX-0001\"")) << page;
  EXPECT_TRUE(Has(page, "chat.txt")) << page;
  EXPECT_TRUE(Has(page, "452 messages")) << page;
  EXPECT_FALSE(Has(page, "EX-0002")) << "a note holds no messages";
  EXPECT_TRUE(Has(Page("/"), "href=\"/messages\"")) << "the nav links to it";
}

TEST_F(AppMessages, AConversationIsShownTwoHundredToAPage) {
  const std::string first = Page("/messages/EX-0001");
  EXPECT_TRUE(Has(first, Shown(0)));
  EXPECT_TRUE(Has(first, Shown(199)));
  EXPECT_FALSE(Has(first, Shown(200)));
  EXPECT_TRUE(Has(first, "Page 1 of 3")) << first;
  EXPECT_TRUE(Has(first, "Showing 1 to 200 of 452 messages."));
  EXPECT_TRUE(Has(first, "href=\"/messages/EX-0001?page=2\" rel=\"next\""));
  const std::string second = Page("/messages/EX-0001?page=2");
  EXPECT_FALSE(Has(second, Shown(199)));
  EXPECT_TRUE(Has(second, Shown(200)));
  EXPECT_TRUE(Has(second, Shown(399)));
  const std::string last = Page("/messages/EX-0001?page=3");
  EXPECT_TRUE(Has(last, Shown(449)));
  EXPECT_TRUE(Has(last, "Attachment: IMG-20260318-WA0001.jpg")) << last;
  EXPECT_TRUE(Has(last, "2026-03-17T08:49:00")) << last;
  EXPECT_TRUE(Has(last, "<strong>Daniel Marsh</strong>"));
  EXPECT_TRUE(Has(Page("/messages/EX-0001?page=99"), Shown(449))) << "past the end: the last page";
}

TEST_F(AppMessages, SearchIsCaseInsensitiveAndKeepsTheFilterInThePageLinks) {
  const std::string page = Page("/messages/EX-0001?q=NUMBER%2042");
  // "message number 42" and 420 to 429.
  EXPECT_TRUE(Has(page, "11 matching (of 452 messages)")) << page;
  EXPECT_TRUE(Has(page, Shown(42)));
  EXPECT_TRUE(Has(page, Shown(425)));
  EXPECT_FALSE(Has(page, Shown(4)));
  EXPECT_TRUE(Has(page, "value=\"NUMBER 42\"")) << "the box keeps what was typed";
  const std::string many = Page("/messages/EX-0001?q=message%20number%201");
  // 1, 10-19, 100-199: 111 matching, one page.
  EXPECT_TRUE(Has(many, "111 matching")) << many;
  const std::string paged = Page("/messages/EX-0001?sender=daniel");
  EXPECT_TRUE(Has(paged, "href=\"/messages/EX-0001?page=2&amp;sender=daniel\"")) << paged;
}

TEST_F(AppMessages, SenderAndDateFiltersSelectTheRightMessages) {
  const std::string sam = Page("/messages/EX-0001?sender=sam");
  EXPECT_TRUE(Has(sam, "150 matching")) << sam;
  EXPECT_TRUE(Has(sam, Shown(0)));
  EXPECT_TRUE(Has(sam, Shown(3)));
  EXPECT_FALSE(Has(sam, Shown(1)));
  EXPECT_TRUE(Has(sam, "<option value=\"Daniel Marsh\">")) << "the senders to choose from";
  const std::string day = Page("/messages/EX-0001?from=2026-03-14&to=2026-03-14");
  EXPECT_TRUE(Has(day, "100 matching")) << day;
  EXPECT_TRUE(Has(day, Shown(100)));
  EXPECT_TRUE(Has(day, Shown(199)));
  EXPECT_FALSE(Has(day, Shown(99)));
  EXPECT_FALSE(Has(day, Shown(200)));
  const std::string both = Page("/messages/EX-0001?from=2026-03-14&to=2026-03-14&sender=Sam");
  EXPECT_TRUE(Has(both, "33 matching")) << both;
}

TEST_F(AppMessages, ADateThatCannotBeReadIsSaidInWords) {
  const std::string page = Page("/messages/EX-0001?from=the%20other%20day");
  EXPECT_TRUE(Has(page, "<p class=\"error\" role=\"alert\">From: ")) << page;
  EXPECT_TRUE(Has(page, Shown(0))) << "the conversation is shown without that bound";
}

TEST_F(AppMessages, ScriptInAChatLineIsShownAsText) {
  const std::string page = Page("/messages/EX-0001?q=alert");
  EXPECT_FALSE(Has(page, "<script>alert(1)")) << page;
  EXPECT_TRUE(Has(page, "&lt;script&gt;alert(1)&lt;/script&gt;")) << page;
}

TEST_F(AppMessages, AnUnknownExportIsNotFound) {
  auto res = app().Client().Get("/messages/EX-0099", {{"Cookie", cookie_}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = app().Client().Get("/messages/..%2Fcase.json", {{"Cookie", cookie_}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(AppMessages, LinkingSelectedMessagesRecordsTheLinkAndVerifies) {
  const std::string page = Page("/messages/EX-0001");
  EXPECT_TRUE(Has(page, "<option value=\"INC-0001\">")) << page;
  EXPECT_TRUE(Has(page, "name=\"m\" value=\"5\"")) << page;
  auto res = Post("/messages/EX-0001/link", cookie_,
                  {{"incident", "INC-0001"}, {"m", "5"}, {"m", "7"}}, csrf_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/diary/INC-0001");
  const std::string inc = Page("/diary/INC-0001");
  EXPECT_TRUE(Has(inc, "href=\"/evidence/EX-0001\""));
  EXPECT_TRUE(Has(inc, "Linked messages")) << inc;
  EXPECT_TRUE(Has(inc, "<blockquote class=\"message-text\">message number 5</blockquote>"));
  EXPECT_TRUE(Has(inc, "<blockquote class=\"message-text\">message number 7</blockquote>"));
  EXPECT_FALSE(Has(inc, "message number 6<")) << "only those chosen";
  EXPECT_TRUE(Has(inc, "EX-0001</a> message 5 ")) << "each quote says which message it is";
  // The pattern report in the page quotes them too (Case::QuoteMessages, docs/report.md).
  const std::string report = Page("/report/view");
  EXPECT_TRUE(Has(report, "EX-0001 message 5")) << report;
  EXPECT_TRUE(Has(report, "EX-0001 message 7")) << report;
  EXPECT_FALSE(Has(report, "EX-0001 message 6")) << report;
  auto log = Ev({"log", "--incident", "INC-0001"});
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_TRUE(Has(log.out, "EX-0001 messages 5,7 linked to INC-0001")) << log.out;
  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(AppMessages, LinkingNeedsTheCsrfTokenAndASelection) {
  const std::string before = Ev({"log"}).out;
  auto res = Post("/messages/EX-0001/link", cookie_, {{"incident", "INC-0001"}, {"m", "5"}}, "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = Post("/messages/EX-0001/link", cookie_, {{"incident", "INC-0001"}}, csrf_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(Has(res->body, "Please select at least one message")) << res->body;
  res = Post("/link", cookie_, {{"incident", "INC-0001"}, {"exhibit", "EX-0002"}}, "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Ev({"log"}).out, before) << "nothing was recorded";
}

TEST_F(AppMessages, AMessageNumberTheExportDoesNotHoldIsRefusedInWords) {
  const std::string before = Ev({"log"}).out;
  auto res = Post("/messages/EX-0001/link", cookie_,
                  {{"incident", "INC-0001"}, {"m", "5"}, {"m", "452"}}, csrf_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(Has(res->body, "EX-0001 has no message 452 (it holds 452)")) << res->body;
  res = Post("/messages/EX-0001/link", cookie_, {{"incident", "INC-0001"}, {"m", "five"}}, csrf_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Ev({"log"}).out, before) << "nothing was recorded";
}

TEST_F(AppMessages, TheItemPageLinksTheItemToADiaryEntry) {
  std::string item = Page("/evidence/EX-0002");
  EXPECT_TRUE(Has(item, "Link to a diary entry")) << item;
  EXPECT_TRUE(Has(item, "<option value=\"INC-0001\">INC-0001: 2026-03-14, He would not stop"))
      << item;
  auto res = Post("/link", cookie_,
                  {{"incident", "INC-0001"}, {"exhibit", "EX-0002"}, {"back", "/evidence/EX-0002"}},
                  csrf_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/diary/INC-0001");
  EXPECT_TRUE(Has(Page("/diary/INC-0001"), "href=\"/evidence/EX-0002\""));
  item = Page("/evidence/EX-0002");
  EXPECT_TRUE(Has(item, "<strong>item.linked</strong>")) << "in its custody history";
  EXPECT_FALSE(Has(item, "Link to a diary entry")) << "no entry left to link it to";
  auto show = Ev({"incident", "show", "INC-0001"});
  EXPECT_TRUE(Has(show.out, "EX-0002")) << show.out;
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(AppMessages, TheIncidentPageAddsEvidence) {
  std::string inc = Page("/diary/INC-0001");
  EXPECT_TRUE(Has(inc, "Add evidence to this entry")) << inc;
  EXPECT_TRUE(Has(inc, "<option value=\"EX-0001\">EX-0001: chat.txt</option>")) << inc;
  auto res =
      Post("/link", cookie_,
           {{"incident", "INC-0001"}, {"exhibit", "EX-0001"}, {"back", "/diary/INC-0001"}}, csrf_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  inc = Page("/diary/INC-0001");
  EXPECT_TRUE(Has(inc, "href=\"/evidence/EX-0001\"")) << inc;
  EXPECT_FALSE(Has(inc, "<option value=\"EX-0001\">")) << "linked: no longer offered";
}

TEST_F(AppMessages, LinkingToAnUnknownIncidentSaysSoAndRecordsNothing) {
  const std::string before = Ev({"log"}).out;
  auto res = Post("/link", cookie_,
                  {{"incident", "INC-0042"}, {"exhibit", "EX-0002"}, {"back", "//elsewhere.test/"}},
                  csrf_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(Has(res->body, "INC-0042")) << res->body;
  EXPECT_TRUE(Has(res->body, "Nothing was linked")) << res->body;
  EXPECT_FALSE(Has(res->body, "elsewhere.test")) << "the way back stays in the app";
  EXPECT_EQ(Ev({"log"}).out, before);
}

}  // namespace
}  // namespace evidence::testing
