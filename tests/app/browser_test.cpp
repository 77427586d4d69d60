// How the app opens its window: Chromium with a throw-away profile that is gone after the app
// ends. A fake `chromium` on PATH reports the arguments it was started with.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#include "app_fixture.hpp"

namespace evidence::testing {
namespace {

class AppBrowser : public AppTest {
 protected:
  // A `chromium` that writes its arguments, one a line, to the FIFO $FAKE_CHROMIUM_OUT and exits.
  std::map<std::string, std::string> FakeChromium() {
    const fs::path bin = tmp().path() / "bin";
    fs::create_directories(bin);
    WriteFile(bin / "chromium", "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$FAKE_CHROMIUM_OUT\"\n");
    fs::permissions(bin / "chromium", fs::perms::owner_all);
    fifo_ = tmp().path() / "chromium-args";
    EXPECT_EQ(mkfifo(fifo_.c_str(), 0600), 0);
    const char* path = std::getenv("PATH");
    return {{"PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin")},
            {"FAKE_CHROMIUM_OUT", fifo_.string()}};
  }

  // The fake's arguments; waits at most 20 s for it to write them.
  std::vector<std::string> ChromiumArgs() {
    int fd = open(fifo_.c_str(), O_RDONLY | O_NONBLOCK);
    EXPECT_GE(fd, 0);
    std::string text;
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, 20000) > 0) {
      char buf[4096];
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    std::vector<std::string> args;
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t nl = text.find('\n', at);
      args.push_back(text.substr(at, nl - at));
      at = nl == std::string::npos ? text.size() : nl + 1;
    }
    return args;
  }

  fs::path fifo_;
};

TEST_F(AppBrowser, ChromiumGetsAnAppWindowAndAThrowAwayProfileRemovedOnExit) {
  InitCase();
  Start(/*open=*/true, FakeChromium());
  const std::vector<std::string> args = ChromiumArgs();
  ASSERT_FALSE(args.empty()) << "chromium was not started";
  EXPECT_EQ(args[0],
            "--app=http://127.0.0.1:" + std::to_string(app().port()) + "/?token=" + app().token());
  fs::path profile;
  for (const auto& a : args) {
    if (a.rfind("--user-data-dir=", 0) == 0) profile = a.substr(16);
  }
  ASSERT_FALSE(profile.empty());
  EXPECT_TRUE(fs::is_directory(profile));
  EXPECT_FALSE(fs::exists(profile.parent_path() / "case.json")) << "outside the case";
  const std::string cookie = Login();
  ASSERT_EQ(Post("/lock-and-quit", cookie, {}, Csrf(cookie))->status, 200);
  EXPECT_EQ(app().Wait(), 0);
  EXPECT_FALSE(fs::exists(profile)) << profile;
}

}  // namespace
}  // namespace evidence::testing
