// The Add evidence page's uploads (docs/app.md "Add evidence"), against the real binary: each file
// is streamed into the case through Case::BeginUpload, and a refused, cut-off or oversized upload
// leaves the case exactly as it was.
#include <unistd.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include "app_fixture.hpp"
#include "evidence/hash.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

std::string PercentEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

class AppUpload : public AppTest {
 protected:
  void SetUp() override {
    InitCase();
    Start();
    cookie_ = Login();
    auto home = app().Client().Get("/", {{"Cookie", cookie_}});
    ASSERT_TRUE(home);
    ASSERT_EQ(home->status, 200);
    csrf_ = Csrf(cookie_);
    ASSERT_FALSE(csrf_.empty());
  }

  httplib::Headers Headers() {
    return {{"Cookie", cookie_}, {"Origin", app().origin()}, {"X-CSRF-Token", csrf_}};
  }

  std::string UploadPath(const std::string& name, const std::string& date_order = "") const {
    std::string path = "/add/upload?name=" + PercentEncode(name);
    if (!date_order.empty()) path += "&date_order=" + date_order;
    return path;
  }

  httplib::Result Upload(const std::string& name, const std::string& bytes,
                         const std::string& date_order = "") {
    return app().Client().Post(UploadPath(name, date_order), Headers(), bytes,
                               "application/octet-stream");
  }

  // The head of a raw POST to the upload route that claims `length` bytes, of which the first
  // `send` are `fill`.
  std::string RawUploadHead(const std::string& name, std::uint64_t length) {
    return "POST " + UploadPath(name) +
           " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(app().port()) +
           "\r\nCookie: " + cookie_ + "\r\nOrigin: " + app().origin() +
           "\r\nX-CSRF-Token: " + csrf_ +
           "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
           std::to_string(length) + "\r\n\r\n";
  }

  bool TmpIsEmpty() const {
    std::error_code ec;
    return !fs::exists(case_dir() / "tmp", ec) || fs::is_empty(case_dir() / "tmp", ec);
  }

  std::string cookie_;
  std::string csrf_;
};

nlohmann::json Json(const httplib::Result& res) {
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

TEST_F(AppUpload, PageHasThePickersTheBarsAndItsScript) {
  auto page = app().Client().Get("/add", {{"Cookie", cookie_}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<a href=\"/add\" aria-current=\"page\">Add evidence</a>"),
            std::string::npos)
      << "nav, marked as the page shown";
  EXPECT_NE(page->body.find("<label for=\"add-files\">"), std::string::npos);
  EXPECT_NE(page->body.find("<input type=\"file\" id=\"add-files\" multiple>"), std::string::npos);
  EXPECT_NE(page->body.find("webkitdirectory"), std::string::npos);
  EXPECT_NE(page->body.find("<label for=\"add-total\">"), std::string::npos);
  EXPECT_NE(page->body.find("aria-live=\"polite\""), std::string::npos);
  EXPECT_NE(page->body.find("<script src=\"/assets/add.js\" defer></script>"), std::string::npos);
  auto script = app().Client().Get("/assets/add.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->body.find("X-CSRF-Token"), std::string::npos);
}

TEST_F(AppUpload, FileIsAddedAsAnExhibitAndTheCaseVerifies) {
  fs::path photo = WriteInput("photo.jpg", "");
  WriteJpegWithExif(photo);
  auto res = Upload("photo.jpg", ReadFile(photo));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  nlohmann::json answer = Json(res);
  EXPECT_EQ(answer["exhibit"], "EX-0001") << res->body;
  EXPECT_EQ(answer["duplicate"], false);
  EXPECT_EQ(answer["kind"], "photo");
  EXPECT_TRUE(TmpIsEmpty());

  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto shown = Ev({"--json", "show", "EX-0001"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  nlohmann::json item = nlohmann::json::parse(shown.out);
  EXPECT_EQ(item["name"], "photo.jpg");
  EXPECT_EQ(item["sha256"], Sha256OfFile(photo));
}

TEST_F(AppUpload, SameBytesAgainAreAlreadyInTheCase) {
  ASSERT_EQ(Json(Upload("first.txt", "he sent this\n"))["exhibit"], "EX-0001");
  const std::string before = Snapshot();
  auto again = Upload("renamed.txt", "he sent this\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  nlohmann::json answer = Json(again);
  EXPECT_EQ(answer["duplicate"], true) << again->body;
  EXPECT_EQ(answer["exhibit"], "EX-0001");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AppUpload, CutOffUploadLeavesTheCaseAsItWas) {
  ASSERT_EQ(Json(Upload("first.txt", "kept\n"))["exhibit"], "EX-0001");
  const std::string before = Snapshot();
  {
    RawConnection raw(app().port());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.Send(RawUploadHead("video.mp4", 8u << 20)));
    ASSERT_TRUE(raw.Send(std::string(1u << 20, 'v')));
    // The upload is under way once its staged copy is in tmp/ (the handler holds the session's
    // lock from before that until it has cleaned up).
    for (int i = 0; i < 5000 && TmpIsEmpty(); ++i) usleep(1000);
    ASSERT_FALSE(TmpIsEmpty()) << "the upload never started";
    raw.Close();
  }
  // Served only once the cut-off upload's handler has let go of the session.
  auto page = app().Client().Get("/add", {{"Cookie", cookie_}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(TmpIsEmpty());
  EXPECT_EQ(Snapshot(), before);
  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.err.find("leftover"), std::string::npos) << verify.err;
}

TEST_F(AppUpload, OverTheLimitIsRefusedBeforeItIsRead) {
  const std::string before = Snapshot();
  RawConnection raw(app().port());
  ASSERT_TRUE(raw.connected());
  // Over the default limit of 4096 MiB; no byte of it is sent, and none is waited for.
  ASSERT_TRUE(raw.Send(RawUploadHead("disk.img", std::uint64_t{5} << 30)));
  std::string head = raw.ReadHead();
  EXPECT_EQ(head.rfind("HTTP/1.1 413", 0), 0u) << head;
  raw.Close();
  auto page = app().Client().Get("/add", {{"Cookie", cookie_}});
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("4.0 GiB"), std::string::npos) << "the page says the limit";
  EXPECT_TRUE(TmpIsEmpty());
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AppUpload, WithoutTheCsrfHeaderOrFromAnotherOriginItIsRefused) {
  const std::string before = Snapshot();
  auto post = [&](httplib::Headers headers) {
    return app().Client().Post(UploadPath("a.txt"), headers, "stalker's bytes",
                               "application/octet-stream");
  };
  auto no_csrf = post({{"Cookie", cookie_}, {"Origin", app().origin()}});
  auto in_query = app().Client().Post(UploadPath("a.txt") + "&csrf=" + csrf_,
                                      {{"Cookie", cookie_}, {"Origin", app().origin()}}, "x",
                                      "application/octet-stream");
  auto other_origin =
      post({{"Cookie", cookie_}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", csrf_}});
  auto no_origin = post({{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}});
  auto no_cookie = post({{"Origin", app().origin()}, {"X-CSRF-Token", csrf_}});
  for (auto* r : {&no_csrf, &in_query, &other_origin, &no_origin, &no_cookie}) {
    ASSERT_TRUE(*r);
    EXPECT_EQ((*r)->status, 403) << (*r)->body;
  }
  EXPECT_EQ(Snapshot(), before);
  EXPECT_TRUE(TmpIsEmpty());
}

TEST_F(AppUpload, ChatWhoseDateOrderCannotBeToldAsksAndIsAddedWithTheAnswer) {
  fs::path zip = WriteInput("WhatsApp Chat - Loris.zip", "");
  WriteZip(zip, {{"_chat.txt",
                  "[05.06.19, 16:00:10] Loris: I know where you are\r\n"
                  "[06.06.19, 09:12:44] Loris: answer me\r\n"}});
  const std::string before = Snapshot();
  auto asked = Upload("WhatsApp Chat - Loris.zip", ReadFile(zip));
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->status, 422);
  nlohmann::json question = Json(asked);
  EXPECT_EQ(question["argument"], "date_order") << asked->body;
  EXPECT_NE(question["error"].get<std::string>().find("day and month"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);

  auto answered = Upload("WhatsApp Chat - Loris.zip", ReadFile(zip), "day-first");
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200) << answered->body;
  nlohmann::json added = Json(answered);
  EXPECT_EQ(added["exhibit"], "EX-0001");
  EXPECT_EQ(added["messages"], 2);
  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(AppUpload, UploadedHtmlAndSvgAreOnlyEverAttachments) {
  ASSERT_EQ(
      Json(Upload("page.html", "<html><body><script>alert(1)</script></body></html>\n"))["exhibit"],
      "EX-0001");
  ASSERT_EQ(Json(Upload("x.svg",
                        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script>"
                        "</svg>\n"))["exhibit"],
            "EX-0002");
  for (const char* exhibit : {"EX-0001", "EX-0002"}) {
    const std::string base = std::string("/evidence/") + exhibit;
    auto shown = app().Client().Get(base + "/file", {{"Cookie", cookie_}});
    ASSERT_TRUE(shown);
    EXPECT_EQ(shown->status, 303) << exhibit << " is never rendered";
    auto download = Post(base + "/download", cookie_, {}, csrf_);
    ASSERT_TRUE(download);
    EXPECT_EQ(download->status, 200) << download->body;
    EXPECT_EQ(download->get_header_value("Content-Type"), "application/octet-stream");
    EXPECT_EQ(download->get_header_value("Content-Disposition").rfind("attachment;", 0), 0u)
        << download->get_header_value("Content-Disposition");
    EXPECT_NE(download->body.find("<script>alert(1)</script>"), std::string::npos);
  }
}

TEST_F(AppUpload, HostileNameIsKeptAsTextAndAPathIsCutToItsLastPart) {
  auto res = Upload("../../<img src=x onerror=alert(1)>.jpg", "not really a picture");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto list = app().Client().Get("/evidence", {{"Cookie", cookie_}});
  ASSERT_TRUE(list);
  EXPECT_NE(list->body.find("&lt;img src=x onerror=alert(1)&gt;.jpg"), std::string::npos);
  EXPECT_EQ(list->body.find("<img src=x"), std::string::npos);
  auto empty = Upload("", "x");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
  EXPECT_EQ(Json(empty)["argument"], "name");
}

TEST_F(AppUpload, FormsStayBoundedAndMultipartIsRefused) {
  auto big = Post("/check", cookie_, {{"filler", std::string(100 * 1024, 'x')}}, csrf_);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  httplib::MultipartFormDataItems items = {{"csrf", csrf_, "", ""}, {"f", "bytes", "f.txt", ""}};
  auto multipart =
      app().Client().Post("/check", {{"Cookie", cookie_}, {"Origin", app().origin()}}, items);
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 415);
  auto check = Post("/check", cookie_, {}, csrf_);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->status, 303) << "an ordinary form still works";
}

class AppUploadOption : public AppTest {};

TEST_F(AppUploadOption, MaxUploadOutsideItsRangeIsAUsageError) {
  InitCase();
  for (const char* bad : {"0", "1048577"}) {
    auto r = Ev({"app", "--no-open", "--max-upload-mib", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--max-upload-mib"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace evidence::testing
