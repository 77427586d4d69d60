// The HTML report in a real browser engine: headless Chromium parses it, draws it, prints it on
// A4, and its DOM shows the hostile text as text with no script element anywhere. Chromium is a
// dependency of the test suite (scripts/install-deps.sh); without it these tests fail, because a
// skipped browser check would hide exactly the regressions it exists for.
#include <gtest/gtest.h>

#include <sstream>

#include "evidence/report.hpp"
#include "report_fixture.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;

// Flags that keep Chromium offline and quiet: no sandbox (tests may run as root), no GPU, no
// background requests, a throw-away profile. `timeout` bounds a hung browser.
std::vector<std::string> Chromium(const TempDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv = {"timeout",
                                   "60",
                                   "chromium",
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-first-run",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + (dir / "profile").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

class ChromiumReport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto which = testing::RunProgram({"sh", "-c", "command -v chromium"});
    ASSERT_EQ(which.exit_code, 0)
        << "chromium is not installed: run scripts/install-deps.sh as root (or apt-get install "
           "chromium); the report's browser checks cannot run without it";
    auto html = RenderReport(testing::HostileCase(), ReportFormat::kHtml);
    ASSERT_TRUE(html.ok()) << html.status().ToString();
    html_path_ = dir_ / "report.html";
    testing::WriteFile(html_path_, *html);
    url_ = "file://" + html_path_.string();
  }

  TempDir dir_;
  std::filesystem::path html_path_;
  std::string url_;
};

std::uint32_t BigEndian32(const std::string& s, size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST_F(ChromiumReport, ScreenshotIsAPageNotABlank) {
  auto shot = dir_ / "shot.png";
  auto r = testing::RunProgram(
      Chromium(dir_, {"--screenshot=" + shot.string(), "--window-size=1000,1400", url_}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(shot)) << r.err;
  std::string png = testing::ReadFile(shot);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(png, 16), 1000u);
  EXPECT_EQ(BigEndian32(png, 20), 1400u);
  // A white page compresses to a few KB; text, tables and a chart do not.
  EXPECT_GT(png.size(), 40u * 1024) << "the screenshot looks empty";
}

TEST_F(ChromiumReport, DomHasNoScriptAndShowsHostileTextAsText) {
  auto r = testing::RunProgram(Chromium(dir_, {"--dump-dom", url_}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& dom = r.out;
  ASSERT_GT(dom.size(), 10000u) << r.err;
  // The serialised DOM escapes text nodes again, so text shows up as &lt;...&gt; while elements
  // would show up as <...>.
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("<a "), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(dom.find("{what} &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x "
                     "onerror=alert(1)&gt;"),
            std::string::npos);
  EXPECT_NE(dom.find("{witness-1} &lt;script&gt;"), std::string::npos);
  EXPECT_NE(dom.find("{sender} &lt;script&gt;"), std::string::npos);
  EXPECT_NE(dom.find("{item-name} &lt;script&gt;"), std::string::npos);
  // The page was parsed as intended: charts are SVG elements, the policy is in the head.
  EXPECT_NE(dom.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(dom.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(dom.find("<h2>Integrity anchor</h2>"), std::string::npos);
}

TEST_F(ChromiumReport, PrintsOnA4Pages) {
  auto pdf_path = dir_ / "report.pdf";
  auto r = testing::RunProgram(
      Chromium(dir_, {"--no-pdf-header-footer", "--print-to-pdf=" + pdf_path.string(), url_}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(pdf_path)) << r.err;
  std::string pdf = testing::ReadFile(pdf_path);
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  // A4 is 595.28 x 841.89 points; Chromium writes each page box in the clear, rounded to its
  // own units, so allow a point either way.
  size_t pages = 0;
  const std::string box = "/MediaBox [0 0 ";
  for (size_t at = 0; (at = pdf.find(box, at)) != std::string::npos; at += box.size()) {
    std::istringstream dims(pdf.substr(at + box.size(), 40));
    double width = 0, height = 0;
    dims >> width >> height;
    EXPECT_NEAR(width, 595.3, 1.0) << pdf.substr(at, 40);
    EXPECT_NEAR(height, 841.9, 1.0) << pdf.substr(at, 40);
    pages++;
  }
  EXPECT_GE(pages, 3u);
}

}  // namespace
}  // namespace evidence
