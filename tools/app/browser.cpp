#include "browser.hpp"

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

extern char** environ;

namespace evidence::app {

namespace fs = std::filesystem;

namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    fs::path dir(std::string(rest.substr(0, colon)));
    if (!dir.empty() && ::access((dir / program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

Result<pid_t> Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
    return Status::IoError(argv[0] + ": cannot be started");
  }
  return pid;
}

}  // namespace

Result<Browser> Browser::Open(const std::string& url) {
  if (OnPath("chromium")) {
    std::string templ = (fs::temp_directory_path() / "evidence-app-profile-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) {
      return Status::IoError("cannot make a temporary browser profile folder");
    }
    auto pid = Spawn({"chromium", "--app=" + url, "--user-data-dir=" + templ, "--no-first-run",
                      "--no-default-browser-check"});
    if (!pid.ok()) {
      std::error_code ec;
      fs::remove_all(templ, ec);
      return pid.status();
    }
    return Browser("chromium", *pid, templ);
  }
  if (OnPath("xdg-open")) {
    auto pid = Spawn({"xdg-open", url});
    if (!pid.ok()) return pid.status();
    return Browser("xdg-open", *pid, {});
  }
  return Status::NotFound("neither chromium nor xdg-open is installed");
}

Browser::Browser(std::string program, pid_t pid, fs::path profile)
    : program_(std::move(program)), pid_(pid), profile_(std::move(profile)) {}

Browser::Browser(Browser&& other) noexcept
    : program_(std::move(other.program_)), pid_(other.pid_), profile_(std::move(other.profile_)) {
  other.pid_ = -1;
  other.profile_.clear();
}

Browser::~Browser() {
  if (pid_ > 0) {
    // xdg-open has long handed over to the desktop's browser, which is not ours to end.
    if (!profile_.empty()) ::kill(pid_, SIGTERM);
    int status = 0;
    (void)::waitpid(pid_, &status, profile_.empty() ? WNOHANG : 0);
  }
  if (!profile_.empty()) {
    std::error_code ec;
    fs::remove_all(profile_, ec);
  }
}

}  // namespace evidence::app
