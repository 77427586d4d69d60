#include "browser.hpp"

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace evidence::app {

namespace fs = std::filesystem;

namespace {

// Looks the program up in PATH as a shell would; kNotFound when it is not installed.
Result<pid_t> Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (err == ENOENT) return Status::NotFound(argv[0] + ": not installed");
  if (err != 0) return Status::IoError(argv[0] + ": cannot be started: " + std::strerror(err));
  return pid;
}

}  // namespace

Result<Browser> Browser::Open(const std::string& url) {
  std::string profile = (fs::temp_directory_path() / "evidence-app-profile-XXXXXX").string();
  if (mkdtemp(profile.data()) == nullptr) {
    return Status::IoError("cannot make a temporary browser profile folder");
  }
  auto chromium = Spawn({"chromium", "--app=" + url, "--user-data-dir=" + profile, "--no-first-run",
                         "--no-default-browser-check"});
  if (chromium.ok()) return Browser("chromium", *chromium, profile);
  std::error_code ec;
  fs::remove_all(profile, ec);
  if (chromium.status().code() != StatusCode::kNotFound) return chromium.status();
  auto xdg = Spawn({"xdg-open", url});
  if (xdg.ok()) return Browser("xdg-open", *xdg, {});
  if (xdg.status().code() != StatusCode::kNotFound) return xdg.status();
  return Status::NotFound("neither chromium nor xdg-open is installed");
}

Browser::Browser(std::string program, pid_t pid, fs::path profile)
    : program_(std::move(program)), pid_(pid), profile_(std::move(profile)) {}

Browser::Browser(Browser&& other) noexcept
    : program_(std::move(other.program_)), pid_(other.pid_), profile_(std::move(other.profile_)) {
  other.pid_ = -1;
  other.profile_.clear();
}

namespace {

// Ends our Chromium: SIGTERM lets it close its window and its helper processes; one that has not
// exited after a few seconds is killed, so that quitting the app never hangs on the browser.
void EndChild(pid_t pid) {
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 60; ++i) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  (void)::waitpid(pid, &status, 0);
}

}  // namespace

Browser::~Browser() {
  if (pid_ > 0) {
    if (!profile_.empty()) {
      EndChild(pid_);
    } else {
      // xdg-open has long handed over to the desktop's browser, which is not ours to end.
      int status = 0;
      (void)::waitpid(pid_, &status, WNOHANG);
    }
  }
  if (!profile_.empty()) {
    std::error_code ec;
    fs::remove_all(profile_, ec);
  }
}

}  // namespace evidence::app
