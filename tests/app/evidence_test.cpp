// The Evidence list, the item page, the item's original and the Custody log (docs/app.md
// "Evidence" and "Custody log"), against the real binary on a case filled through the CLI.
#include <stdlib.h>
#include <unistd.h>

#include "app_fixture.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

constexpr const char* kHostile = "<img src=x onerror=alert(1)>.jpg";
constexpr const char* kHostileEscaped = "&lt;img src=x onerror=alert(1)&gt;.jpg";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A private folder on a memory-only file system, given to the app as XDG_RUNTIME_DIR: the app
// must leave nothing there (an original reaches the browser from a sealed memory file).
class RuntimeDir {
 public:
  RuntimeDir() {
    std::string tmpl = "/dev/shm/evidence-app-test-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~RuntimeDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The response head exactly as sent: httplib's client percent-decodes header values, which would
// hide whether the server encoded a name.
std::string RawHead(int port, const std::string& path, const std::string& cookie,
                    const std::string& form_body = "") {
  RawConnection raw(port);
  if (!raw.connected()) return "";
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::string req = (form_body.empty() ? "GET " : "POST ") + path + " HTTP/1.1\r\nHost: " + host +
                    "\r\nCookie: " + cookie + "\r\nConnection: close\r\n";
  if (!form_body.empty()) {
    req += "Origin: http://" + host +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(form_body.size()) + "\r\n";
  }
  req += "\r\n" + form_body;
  const std::string out = raw.Send(req) ? raw.ReadAll() : std::string();
  return out.substr(0, out.find("\r\n\r\n"));
}

class AppEvidence : public AppTest {
 protected:
  // Adds `files` (written under input/) through the CLI, then starts the app on the plaintext
  // case and logs in; the first page opens the case.
  void AddThenStart(const std::vector<fs::path>& files) {
    InitCase();
    std::vector<std::string> args = {"add"};
    for (const auto& f : files) args.push_back(f.string());
    auto r = Ev(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Start(false, {{"XDG_RUNTIME_DIR", runtime_.path().string()}});
    cookie_ = Login();
    auto home = Get("/");
    ASSERT_EQ(home.status, 200) << home.body;
  }

  fs::path Photo(const std::string& name) {
    fs::path p = WriteInput(name, "");
    WriteJpegWithExif(p);
    return p;
  }

  httplib::Response Get(const std::string& path) {
    auto res = app().Client().Get(path, {{"Cookie", cookie_}});
    EXPECT_TRUE(res) << path;
    return res ? *res : httplib::Response{};
  }

  bool RuntimeDirIsEmpty() const { return fs::is_empty(runtime_.path()); }

  RuntimeDir runtime_;
  std::string cookie_;
};

TEST_F(AppEvidence, ListAndItemShowAPhotoWithCameraCaptureTimeAndPlace) {
  AddThenStart({Photo("gift.jpg"), WriteInput("notes.txt", "he was outside again")});
  auto shown = Ev({"--json", "show", "EX-0001"});
  const std::string captured = nlohmann::json::parse(shown.out).at("captured");

  auto list = Get("/evidence");
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("gift.jpg"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("notes.txt"), std::string::npos);
  EXPECT_NE(list.body.find(captured), std::string::npos) << captured;
  EXPECT_NE(list.body.find("<img class=\"thumb\" src=\"/evidence/EX-0001/file\""),
            std::string::npos);
  EXPECT_EQ(list.body.find("src=\"/evidence/EX-0002/file\""), std::string::npos)
      << "no picture for a text file";

  auto photos = Get("/evidence?kind=photo");
  EXPECT_NE(photos.body.find("gift.jpg"), std::string::npos);
  EXPECT_EQ(photos.body.find("notes.txt"), std::string::npos);
  auto search = Get("/evidence?q=NOTES");
  EXPECT_EQ(search.body.find("gift.jpg"), std::string::npos);
  EXPECT_NE(search.body.find("notes.txt"), std::string::npos);

  auto item = Get("/evidence/EX-0001");
  EXPECT_EQ(item.status, 200);
  EXPECT_NE(item.body.find("Google Pixel 7"), std::string::npos) << item.body;
  EXPECT_NE(item.body.find(captured), std::string::npos);
  EXPECT_NE(item.body.find("51.5007292, -0.1246254"), std::string::npos);
  EXPECT_NE(item.body.find("image/jpeg"), std::string::npos);
  EXPECT_NE(item.body.find("item.ingested"), std::string::npos) << "custody history";
  EXPECT_NE(item.body.find("<img class=\"picture\" src=\"/evidence/EX-0001/file\""),
            std::string::npos);
}

TEST_F(AppEvidence, HostileFileNameIsEscapedOnListItemAndCustodyPages) {
  AddThenStart({Photo(kHostile)});
  for (const std::string path : {"/evidence", "/evidence/EX-0001", "/custody"}) {
    auto page = Get(path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_NE(page.body.find(kHostileEscaped), std::string::npos) << path << page.body;
    EXPECT_EQ(page.body.find("<img src=x"), std::string::npos) << path;
  }
}

// An SVG or HTML file is never rendered: GET sends the browser back to the item page, and the
// original leaves only as a download (a POST, whose access the ledger records).
TEST_F(AppEvidence, SvgAndHtmlAreServedAsAttachmentsWithOctetStream) {
  const std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
  AddThenStart({WriteInput("x.svg", svg), WriteInput("page one.html", "<script>1</script>")});
  auto shown = Get("/evidence/EX-0001/file");
  EXPECT_EQ(shown.status, 303);
  EXPECT_EQ(shown.get_header_value("Location"), "/evidence/EX-0001");
  EXPECT_EQ(shown.body.find("<svg"), std::string::npos);
  const std::string csrf = Csrf(cookie_);
  auto s = Post("/evidence/EX-0001/download", cookie_, {}, csrf);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(s->get_header_value("Content-Disposition"), "attachment; filename*=UTF-8''x.svg");
  EXPECT_EQ(s->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(s->body, svg);
  EXPECT_NE(RawHead(app().port(), "/evidence/EX-0002/download", cookie_, "csrf=" + csrf)
                .find("\r\nContent-Disposition: attachment; filename*=UTF-8''page%20one.html\r\n"),
            std::string::npos);
  auto refused = Post("/evidence/EX-0001/download", cookie_, {}, "");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403) << "a download without the CSRF token";
  auto page = Get("/evidence/EX-0001");
  EXPECT_EQ(page.body.find("src=\"/evidence/EX-0001/file\""), std::string::npos)
      << "an SVG is never shown as a picture";
}

// Showing a picture (a thumbnail, the item page) records nothing: a list of fifty photos must not
// write fifty entries into the custody log, and GET never changes the case. A download does: the
// bytes are about to leave the case, as with `evidence extract`.
TEST_F(AppEvidence, JpegIsShownWithoutARecordAndADownloadIsRecorded) {
  const fs::path photo = Photo("gift.jpg");
  AddThenStart({photo});
  auto res = Get("/evidence/EX-0001/file");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(res.get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(res.has_header("Content-Disposition"));
  EXPECT_EQ(res.body, ReadAll(photo));
  EXPECT_TRUE(RuntimeDirIsEmpty()) << "no copy anywhere on the way";
  auto before = Ev({"log", "--action", "item.accessed"});
  EXPECT_EQ(before.out.find("EX-0001"), std::string::npos) << before.out;

  auto down = Post("/evidence/EX-0001/download", cookie_, {}, Csrf(cookie_));
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 200);
  EXPECT_EQ(down->get_header_value("Content-Disposition"), "attachment; filename*=UTF-8''gift.jpg");
  EXPECT_EQ(down->body, ReadAll(photo));
  auto after = Ev({"log", "--action", "item.accessed"});
  EXPECT_NE(after.out.find("EX-0001 download to a download from evidence app"), std::string::npos)
      << after.out << after.err;
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(AppEvidence, VoicemailGetsAPlayerAndIsServedAsAudio) {
  const fs::path wav = WriteInput("voicemail.wav", "");
  WriteWav(wav, 0.5);
  AddThenStart({wav});
  auto page = Get("/evidence/EX-0001");
  EXPECT_NE(page.body.find("<audio controls preload=\"none\" src=\"/evidence/EX-0001/file\""),
            std::string::npos)
      << page.body;
  auto res = Get("/evidence/EX-0001/file");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.get_header_value("Content-Type"), "audio/wav");
  EXPECT_FALSE(res.has_header("Content-Disposition"));
  EXPECT_EQ(res.body, ReadAll(wav));
}

// Regression: a voicemail's player seeks with a Range request, and the original was answered 200
// with only the part asked for (a browser takes that for the whole file), or, for a range past
// the end, with a Content-Length near 2^64; pages were cut by Range too. One range is a 206 with
// that part (its end cut to the file's), one starting past the end a 416 naming the size, and any
// other Range header, on a file or a page, is ignored.
TEST_F(AppEvidence, VoicemailServesOneByteRangeAndIgnoresOthers) {
  const fs::path wav = WriteInput("voicemail.wav", "");
  WriteWav(wav, 0.5);
  AddThenStart({wav});
  const std::string bytes = ReadAll(wav);
  const std::string size = std::to_string(bytes.size());
  auto ranged = [&](const std::string& path, const std::string& range) {
    auto res = app().Client().Get(path, {{"Cookie", cookie_}, {"Range", range}});
    EXPECT_TRUE(res) << range;
    return res ? *res : httplib::Response{};
  };
  struct Part {
    std::string range;
    std::size_t from, to;  // inclusive
  };
  const std::size_t last = bytes.size() - 1;
  for (const Part& p : std::vector<Part>{{"bytes=1000-", 1000, last},
                                         {"bytes=0-", 0, last},
                                         {"bytes=10-19", 10, 19},
                                         {"bytes=-100", bytes.size() - 100, last},
                                         {"bytes=-" + std::to_string(bytes.size() + 5), 0, last},
                                         {"bytes=5-" + size + "0", 5, last}}) {
    auto res = ranged("/evidence/EX-0001/file", p.range);
    EXPECT_EQ(res.status, 206) << p.range;
    EXPECT_EQ(res.get_header_value("Content-Range"),
              "bytes " + std::to_string(p.from) + "-" + std::to_string(p.to) + "/" + size)
        << p.range;
    EXPECT_EQ(res.body, bytes.substr(p.from, p.to - p.from + 1)) << p.range;
    EXPECT_EQ(res.get_header_value("Content-Type"), "audio/wav") << p.range;
  }
  for (const std::string& range : std::vector<std::string>{"bytes=" + size + "-", "bytes=-0"}) {
    auto res = ranged("/evidence/EX-0001/file", range);
    EXPECT_EQ(res.status, 416) << range;
    EXPECT_EQ(res.get_header_value("Content-Range"), "bytes */" + size) << range;
  }
  // Several ranges: the whole file. A header httplib cannot parse it refuses itself with 416
  // before any handler runs; either way no part is ever sent as if it were the whole.
  auto several = ranged("/evidence/EX-0001/file", "bytes=0-1,4-5");
  EXPECT_EQ(several.status, 200);
  EXPECT_EQ(several.body, bytes);
  EXPECT_FALSE(several.has_header("Content-Range"));
  for (const std::string& range : std::vector<std::string>{"bytes=5-2", "items=0-1", "bytes=x-"}) {
    auto res = ranged("/evidence/EX-0001/file", range);
    EXPECT_TRUE(res.status == 416 || (res.status == 200 && res.body == bytes))
        << range << ": " << res.status;
    EXPECT_NE(res.status, 206) << range;
  }
  const std::string page = Get("/evidence/EX-0001").body;
  for (const std::string& range : std::vector<std::string>{"bytes=10-19", "bytes=999999-"}) {
    auto res = ranged("/evidence/EX-0001", range);
    EXPECT_EQ(res.status, 200) << range;
    EXPECT_EQ(res.body, page) << "a page is sent whole: " << range;
    EXPECT_FALSE(res.has_header("Content-Range")) << range;
  }
}

TEST_F(AppEvidence, EncryptedCaseServesTheOriginalBytes) {
  constexpr const char* kPass = "correct horse battery staple";
  const fs::path photo = Photo("gift.jpg");
  ASSERT_EQ(Ev({"init", "--name", "C"}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  ASSERT_EQ(Ev({"add", photo.string()}, {{"EVIDENCE_PASSPHRASE", kPass}}).exit_code, 0);
  Start(false, {{"XDG_RUNTIME_DIR", runtime_.path().string()}});
  cookie_ = Login();
  auto unlocked = Post("/unlock", cookie_, {{"passphrase", kPass}}, Csrf(cookie_));
  ASSERT_TRUE(unlocked);
  ASSERT_EQ(unlocked->status, 303);
  auto res = Get("/evidence/EX-0001/file");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, ReadAll(photo));
  EXPECT_TRUE(RuntimeDirIsEmpty());
}

TEST_F(AppEvidence, UnknownOrMalformedExhibitIsNotFound) {
  AddThenStart({WriteInput("notes.txt", "x")});
  for (const std::string path :
       {"/evidence/EX-9999", "/evidence/EX-9999/file", "/evidence/", "/evidence/..%2Fkeys",
        "/evidence/EX-0001/other", "/evidence/EX-0001/file/x", "/evidence/<b>-1"}) {
    auto res = Get(path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_NE(res.body.find("There is no such page"), std::string::npos) << path;
  }
}

TEST_F(AppEvidence, CustodySearchFindsAnEntryNewestFirst) {
  AddThenStart({WriteInput("notes.txt", "x"), WriteInput("diary.txt", "y")});
  auto all = Get("/custody");
  EXPECT_EQ(all.status, 200);
  const auto created = all.body.find("case.created");
  const auto diary = all.body.find("diary.txt");
  ASSERT_NE(created, std::string::npos);
  ASSERT_NE(diary, std::string::npos);
  EXPECT_LT(diary, created) << "newest first";
  auto found = Get("/custody?q=DIARY");
  EXPECT_NE(found.body.find("EX-0002 diary.txt"), std::string::npos) << found.body;
  EXPECT_EQ(found.body.find("notes.txt"), std::string::npos);
  EXPECT_EQ(found.body.find("case.created"), std::string::npos);
  auto none = Get("/custody?q=nothing-like-this");
  EXPECT_NE(none.body.find("No record matches"), std::string::npos);
}

TEST_F(AppEvidence, NoPageLeaksWithoutASession) {
  AddThenStart({WriteInput("secret-name.txt", "the content")});
  for (const std::string path :
       {"/evidence", "/evidence/EX-0001", "/evidence/EX-0001/file", "/custody?q=secret"}) {
    auto res = app().Client().Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 403) << path;
    EXPECT_EQ(res->body.find("secret-name"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("the content"), std::string::npos) << path;
  }
  EXPECT_TRUE(RuntimeDirIsEmpty());
}

}  // namespace
}  // namespace evidence::testing
