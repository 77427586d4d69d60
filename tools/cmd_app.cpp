// `app`: the local web front end for one case (docs/app.md). Serves on 127.0.0.1 until Ctrl-C or
// "Lock and quit"; the unlocked case is destroyed, and its key wiped, before it exits.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdint>
#include <iostream>
#include <optional>
#include <thread>

#include "app/browser.hpp"
#include "app/server.hpp"
#include "cli.hpp"

namespace evidence::cli {

namespace {

struct AppFlags {
  int port = 0;
  bool no_open = false;
  int idle_minutes = 15;
  // Each uploaded file's limit; 4 GiB takes a long phone video and stops a mistaken drop of a
  // whole disk image from filling the disk.
  std::int64_t max_upload_mib = 4096;
};

// SIGINT and SIGTERM are taken by one thread that stops the server, so that every other thread,
// httplib's included, runs with them blocked and the shutdown happens in ordinary code.
class SignalStop {
 public:
  explicit SignalStop(app::Server& server) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &server] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (!done_) server.Stop();
    });
  }
  ~SignalStop() {
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

 private:
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int RunApp(const Globals& g, const AppFlags& f) {
  if (f.idle_minutes < 1) {
    return ReportError(Status::InvalidArgument("--idle-minutes: must be at least 1"));
  }
  if (f.max_upload_mib < 1 || f.max_upload_mib > (std::int64_t{1} << 20)) {
    return ReportError(
        Status::InvalidArgument("--max-upload-mib: must be from 1 to 1048576 (1 TiB)"));
  }
  app::ServerOptions opt;
  opt.case_dir = CaseDir(g);
  opt.port = f.port;
  opt.idle_limit = std::chrono::minutes(f.idle_minutes);
  opt.max_upload = static_cast<std::uint64_t>(f.max_upload_mib) << 20;
  auto server = app::Server::Bind(opt);
  if (!server.ok()) return ReportError(server.status(), {{"port", "--port"}});
  // Blocked before any thread starts, so that every thread inherits the mask.
  SignalStop signals(**server);
  std::cout << "evidence app: open " << (*server)->url() << std::endl;
  std::optional<app::Browser> browser;
  if (!f.no_open) {
    auto b = app::Browser::Open((*server)->url());
    if (b.ok()) {
      browser.emplace(std::move(b).value());
    } else {
      PrintWarning(b.status().message() + "; open the address above in a browser");
    }
  }
  (*server)->Serve();
  return kExitOk;
}

}  // namespace

void AddAppCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("app", "open the case in a private window of a local web app");
  auto f = std::make_shared<AppFlags>();
  cmd->add_option("--port", f->port, "port on 127.0.0.1 (default: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--no-open", f->no_open, "only print the address; open no browser");
  cmd->add_option("--idle-minutes", f->idle_minutes,
                  "lock the case after this many minutes without use (default 15)");
  cmd->add_option("--max-upload-mib", f->max_upload_mib,
                  "the largest file the Add evidence page takes, in MiB (default 4096)");
  // At least 1 is checked in RunApp: CLI11's range check would print its limits as doubles.
  cmd->callback([&g, &run, f] { run = [&g, f]() -> int { return RunApp(g, *f); }; });
}

}  // namespace evidence::cli
