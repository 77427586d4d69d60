// The diary pages: recording and amending incidents through the forms, and the pattern report,
// against the real binary and the CLI.
#include "app_fixture.hpp"
#include "evidence/incident.hpp"
#include "report_view.hpp"

namespace evidence::testing {
namespace {

class AppDiary : public AppTest {
 protected:
  // A plaintext case served by the app, with one exhibit, and a logged-in session.
  void SetUp() override {
    AppTest::SetUp();
    InitCase();
    ASSERT_EQ(Ev({"add", WriteInput("doorstep.txt", "flowers on the step").string()}).exit_code, 0);
    Start();
    cookie_ = Login();
    csrf_ = Csrf(cookie_);
  }
  httplib::Result Get(const std::string& path) {
    return app().Client().Get(path, {{"Cookie", cookie_}});
  }
  httplib::Result Record(httplib::Params form) {
    return Post("/diary/new", cookie_, std::move(form), csrf_);
  }
  httplib::Params Incident(const std::string& what) {
    return {{"at", "2026-03-14T18:20"},
            {"behaviours_shown", "1"},
            {"behaviours", "gift"},
            {"behaviours", "visit-home"},
            {"what", what},
            {"where", "front door"},
            {"items", "EX-0001"}};
  }
  std::string cookie_;
  std::string csrf_;
};

TEST_F(AppDiary, RecordThroughTheFormShowsInTheListAndTheCli) {
  auto form = Get("/diary/new");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_NE(form->body.find("an unwanted gift or item left or sent"), std::string::npos);
  EXPECT_NE(form->body.find("EX-0001: doorstep.txt"), std::string::npos) << form->body;
  auto res = Record(Incident("Flowers left on the doorstep"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/diary/INC-0001");
  auto list = Get("/diary");
  ASSERT_TRUE(list);
  EXPECT_NE(list->body.find("INC-0001"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("Flowers left on the doorstep"), std::string::npos);
  EXPECT_NE(list->body.find("2026-03-14 18:20 "), std::string::npos) << "the time, readable";
  auto one = Get("/diary/INC-0001");
  ASSERT_TRUE(one);
  EXPECT_NE(one->body.find("href=\"/evidence/EX-0001\""), std::string::npos) << one->body;
  auto cli = Ev({"incident", "list"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("INC-0001"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("gift,visit-home"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("Flowers left on the doorstep"), std::string::npos) << cli.out;
}

TEST_F(AppDiary, RefusalSaysWhyAndKeepsTheInput) {
  const std::string before = Snapshot();
  auto form = Incident("Kept text");
  form.erase("behaviours");
  auto res = Record(form);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("What kind of behaviour: an incident needs at least one behaviour"),
            std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("Nothing was recorded"), std::string::npos);
  EXPECT_NE(res->body.find(">Kept text</textarea>"), std::string::npos) << res->body;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AppDiary, AmendWithAReasonShowsBothVersions) {
  ASSERT_EQ(Record(Incident("Flowers on the step"))->status, 303);
  auto res =
      Post("/diary/INC-0001/amend", cookie_,
           {{"what", "Red roses on the step"}, {"reason", "I remembered the colour"}}, csrf_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  auto one = Get("/diary/INC-0001");
  ASSERT_TRUE(one);
  EXPECT_NE(one->body.find("Original entry"), std::string::npos) << one->body;
  EXPECT_NE(one->body.find("Flowers on the step"), std::string::npos);
  EXPECT_NE(one->body.find("Red roses on the step"), std::string::npos);
  EXPECT_NE(one->body.find("Reason: I remembered the colour"), std::string::npos);
  auto cli = Ev({"incident", "show", "INC-0001"});
  EXPECT_NE(cli.out.find("amended (I remembered the colour)"), std::string::npos) << cli.out;
  // Only the account changed: the behaviours stay as recorded.
  EXPECT_NE(cli.out.find("behaviours: gift, visit-home"), std::string::npos) << cli.out;
}

TEST_F(AppDiary, AmendWithoutAReasonIsRefusedInWords) {
  ASSERT_EQ(Record(Incident("Flowers on the step"))->status, 303);
  const std::string before = Snapshot();
  auto res = Post("/diary/INC-0001/amend", cookie_, {{"what", "Roses"}, {"reason", "  "}}, csrf_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("Please say why you are changing this entry"), std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("Flowers on the step"), std::string::npos) << "the original shows";
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AppDiary, ScriptInTheAccountIsEscaped) {
  ASSERT_EQ(Record(Incident("<script>alert(1)</script>"))->status, 303);
  for (const char* path : {"/diary", "/diary/INC-0001", "/diary/INC-0001/amend"}) {
    auto page = Get(path);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->body.find("<script>alert(1)"), std::string::npos) << path;
    EXPECT_NE(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << path;
  }
}

TEST_F(AppDiary, ReportShowsTheIncidentAndDownloadsAsAnAttachment) {
  ASSERT_EQ(Record(Incident("Flowers left on the doorstep"))->status, 303);
  auto page = Get("/report");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"print-report\""), std::string::npos);
  auto view = Get("/report/view");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->status, 200);
  EXPECT_NE(view->body.find("Flowers left on the doorstep"), std::string::npos);
  EXPECT_EQ(view->body.find("<script"), std::string::npos);
  ASSERT_EQ(view->get_header_value_count("Content-Security-Policy"), 1u);
  const std::string csp = view->get_header_value("Content-Security-Policy");
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("'sha256-"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  auto cli = Ev({"report", "--format", "html"});
  EXPECT_EQ(csp, app::ReportPolicy(cli.out)) << "the CLI's report carries the same styles";
  auto download = Get("/report/download");
  ASSERT_TRUE(download);
  EXPECT_EQ(download->status, 200);
  EXPECT_EQ(download->get_header_value("Content-Disposition"),
            "attachment; filename=\"report.html\"");
  EXPECT_NE(download->body.find("Flowers left on the doorstep"), std::string::npos);
}

TEST_F(AppDiary, PostWithoutCsrfIsRefusedAndRecordsNothing) {
  const std::string before = Snapshot();
  auto res = Post("/diary/new", cookie_, Incident("no token"), "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AppDiary, UnknownIncidentIsNotFound) {
  auto page = Get("/diary/INC-0042");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  auto amend = Post("/diary/INC-0042/amend", cookie_, {{"what", "x"}, {"reason", "y"}}, csrf_);
  ASSERT_TRUE(amend);
  EXPECT_EQ(amend->status, 404);
}

// The form's local time is read in the app's time zone, as the CLI reads --at; a time the clocks
// showed twice is asked about, and the offset box answers.
class AppDiaryInLondon : public AppTest {};

TEST_F(AppDiaryInLondon, ATimeTheClocksShowedTwiceAsksForTheOffset) {
  InitCase();
  Start(false, {{"TZ", "Europe/London"}});
  const std::string cookie = Login();
  const std::string csrf = Csrf(cookie);
  httplib::Params form = {{"at", "2026-10-25T01:30"}, {"behaviours", "following"}, {"what", "x"}};
  auto asked = Post("/diary/new", cookie, form, csrf);
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->status, 400);
  EXPECT_NE(asked->body.find("When it happened: "), std::string::npos) << asked->body;
  EXPECT_NE(asked->body.find("showed this time twice"), std::string::npos) << asked->body;
  EXPECT_NE(asked->body.find("value=\"2026-10-25T01:30\""), std::string::npos) << "kept";
  form.emplace("offset", "+01:00");
  auto res = Post("/diary/new", cookie, form, csrf);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  auto cli = Ev({"--json", "incident", "show", "INC-0001"});
  EXPECT_NE(cli.out.find("2026-10-25T01:30:00+01:00"), std::string::npos) << cli.out;
}

TEST_F(AppDiaryInLondon, ACorrectedDateTakesTheOffsetOfItsOwnDay) {
  InitCase();
  ASSERT_EQ(
      Ev({"incident", "add", "--at", "2026-01-10 18:00", "--behaviour", "gift", "--what", "x"},
         {{"TZ", "Europe/London"}})
          .exit_code,
      0);
  Start(false, {{"TZ", "Europe/London"}});
  const std::string cookie = Login();
  const std::string csrf = Csrf(cookie);
  auto form = app().Client().Get("/diary/INC-0001/amend", {{"Cookie", cookie}});
  ASSERT_TRUE(form);
  EXPECT_NE(form->body.find("value=\"2026-01-10T18:00\""), std::string::npos) << form->body;
  auto res = Post("/diary/INC-0001/amend", cookie,
                  {{"at", "2026-07-10T18:00"}, {"offset", ""}, {"reason", "wrong month"}}, csrf);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  auto cli = Ev({"--json", "incident", "show", "INC-0001"});
  EXPECT_NE(cli.out.find("\"at\": \"2026-07-10T18:00:00+01:00\""), std::string::npos) << cli.out;
}

TEST(AppReportPolicy, AllowsExactlyTheStylesTheDocumentCarries) {
  // sha256 of "p{color:red}" and of "width:1%", in base64, as a browser computes them.
  const std::string csp = app::ReportPolicy(
      "<style>p{color:red}</style><td style=\"width:1%\">a</td><td style=\"width:1%\">b</td>");
  EXPECT_NE(csp.find("style-src 'sha256-p0bF+un5yUb9MBO6xRb8kPHlY2BdpHVtLiFkDrZPF64=' "
                     "'unsafe-hashes' 'sha256-y25PQCBQ+KUm+9FtV6ITj+an4RqbmS6abkQWP7JeM3I='"),
            std::string::npos)
      << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << "default-src 'none' forbids script";
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  // One hash for the block, one for the attribute value given twice.
  std::size_t hashes = 0;
  for (std::size_t at = 0; (at = csp.find("'sha256-", at)) != std::string::npos; ++at) ++hashes;
  EXPECT_EQ(hashes, 2u) << csp;
  EXPECT_NE(app::ReportPolicy("<p>no style</p>").find("style-src 'none'"), std::string::npos);
}

// The nav says which page is shown: the link of the page itself is aria-current="page", the
// link a page was reached from is aria-current="true", and no other link is marked.
TEST_F(AppDiary, NavMarksTheCurrentPage) {
  auto count = [](const std::string& body) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = body.find("aria-current=", at)) != std::string::npos; ++at) n++;
    return n;
  };
  for (const auto& [path, link] : std::vector<std::pair<std::string, std::string>>{
           {"/", "<a href=\"/\" aria-current=\"page\">Home</a>"},
           {"/evidence", "<a href=\"/evidence\" aria-current=\"page\">Evidence</a>"},
           {"/evidence/EX-0001", "<a href=\"/evidence\" aria-current=\"true\">Evidence</a>"},
           {"/custody", "<a href=\"/custody\" aria-current=\"page\">Custody log</a>"},
           {"/diary", "<a href=\"/diary\" aria-current=\"page\">Diary</a>"},
           {"/diary/new", "<a href=\"/diary\" aria-current=\"true\">Diary</a>"},
           {"/add", "<a href=\"/add\" aria-current=\"page\">Add evidence</a>"},
           {"/messages", "<a href=\"/messages\" aria-current=\"page\">Messages</a>"},
           {"/handover", "<a href=\"/handover\" aria-current=\"page\">Hand over</a>"},
           {"/check-bundle",
            "<a href=\"/check-bundle\" aria-current=\"page\">Check a bundle</a>"}}) {
    auto page = Get(path);
    ASSERT_TRUE(page) << path;
    ASSERT_EQ(page->status, 200) << path;
    EXPECT_NE(page->body.find(link), std::string::npos) << path << "\n" << page->body;
    EXPECT_EQ(count(page->body), 1u) << path;
  }
}

// The form explains each behaviour in the library's words, the same as `incident behaviours`.
TEST_F(AppDiary, FormDescribesEveryBehaviourInTheLibrarysWords) {
  auto form = Get("/diary/new");
  ASSERT_TRUE(form);
  for (std::string_view b : kBehaviours) {
    ASSERT_FALSE(BehaviourDescription(b).empty()) << b;
    EXPECT_NE(form->body.find(std::string(BehaviourDescription(b))), std::string::npos) << b;
  }
}

}  // namespace
}  // namespace evidence::testing
