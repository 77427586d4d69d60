// The real `evidence app --no-open --port 0` on a case in a temporary folder, driven over HTTP
// with httplib::Client as a browser would be.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "../cli/cli_fixture.hpp"

namespace evidence::testing {

// One running app. Its stdout's first line gives the port and the one-time token.
class AppProcess {
 public:
  // `open`: without --no-open, so that the app starts a browser (a test puts a fake one on PATH
  // through `env`).
  AppProcess(const fs::path& case_dir, bool open = false,
             const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args = {EVIDENCE_BIN, "-C", case_dir.string(), "app", "--port", "0"};
    if (!open) args.push_back("--no-open");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : CliEnvironment(env)) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[512];
    if (out_ && std::fgets(line, sizeof line, out_)) first_line_ = line;
    // "evidence app: open http://127.0.0.1:PORT/?token=TOKEN"
    const std::string prefix = "evidence app: open http://127.0.0.1:";
    if (first_line_.rfind(prefix, 0) == 0) {
      std::string rest = first_line_.substr(prefix.size());
      port_ = std::stoi(rest);
      auto t = rest.find("?token=");
      if (t != std::string::npos) {
        token_ = rest.substr(t + 7);
        while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) {
          token_.pop_back();
        }
      }
    }
  }
  ~AppProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGTERM);
      Wait();
    }
    if (out_) std::fclose(out_);
  }
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;

  // Waits for the process to end; its exit status, or -1 when a signal ended it.
  int Wait() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void Signal(int sig) { kill(pid_, sig); }

  const std::string& first_line() const { return first_line_; }
  int port() const { return port_; }
  const std::string& token() const { return token_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(60);  // creating or unlocking a case derives a key (scrypt)
    return c;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  FILE* out_ = nullptr;
  std::string first_line_;
  int port_ = 0;
  std::string token_;
};

// A socket to the app, for requests httplib::Client will not send: a body cut off midway, a
// length the body never reaches, a response head read exactly as sent.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { Close(); }
  bool connected() const { return connected_; }
  // Each later read gives up after `seconds` without a byte, so that a server that never answers
  // or never closes fails a test instead of hanging it.
  void LimitEachRead(int seconds) {
    timeval limit{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  bool Send(const std::string& bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
      ssize_t n = write(fd_, bytes.data() + at, bytes.size() - at);
      if (n <= 0) return false;
      at += static_cast<size_t>(n);
    }
    return true;
  }
  // Everything up to the end of the response head.
  std::string ReadHead() {
    std::string out;
    char ch;
    while (out.find("\r\n\r\n") == std::string::npos && read(fd_, &ch, 1) == 1) out += ch;
    return out;
  }
  // Everything until the server closes the connection (or a read gives up: see ended()).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ended_ = n == 0;
    return out;
  }
  // Whether the last ReadAll ended because the server closed the connection.
  bool ended() const { return ended_; }
  // No more bytes from this side: the client went away mid-request.
  void EndSending() { shutdown(fd_, SHUT_WR); }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool ended_ = false;
};

// A CliTest whose case is served by a running app; Login() exchanges the token for the cookie.
class AppTest : public CliTest {
 protected:
  void Start(bool open = false, const std::map<std::string, std::string>& env = {}) {
    app_.emplace(case_dir(), open, env);
    ASSERT_GT(app_->port(), 0) << "first line: " << app_->first_line();
    ASSERT_EQ(app_->token().size(), 64u) << app_->first_line();
  }
  AppProcess& app() { return *app_; }

  // The session cookie ("evidence_session=...") from redeeming the URL token.
  std::string Login() {
    auto res = app().Client().Get("/?token=" + app().token());
    EXPECT_TRUE(res);
    if (!res) return "";
    std::string set = res->get_header_value("Set-Cookie");
    return set.substr(0, set.find(';'));
  }

  // The session's CSRF token, read from the page as the browser's script would.
  std::string Csrf(const std::string& cookie) {
    auto res = app().Client().Get("/", {{"Cookie", cookie}});
    EXPECT_TRUE(res);
    if (!res) return "";
    const std::string marker = "name=\"csrf\" value=\"";
    auto at = res->body.find(marker);
    if (at == std::string::npos) return "";
    at += marker.size();
    return res->body.substr(at, res->body.find('"', at) - at);
  }

  // A form POST as the app's own page sends it.
  httplib::Result Post(const std::string& path, const std::string& cookie, httplib::Params form,
                       const std::string& csrf) {
    if (!csrf.empty()) form.emplace("csrf", csrf);
    return app().Client().Post(path, {{"Cookie", cookie}, {"Origin", app().origin()}}, form);
  }

  // Creates the case through the form; returns the page the redirect leads to.
  std::string CreateThroughForm(const std::string& cookie, const std::string& name,
                                const std::string& owner, const std::string& pass) {
    auto res = Post("/create", cookie,
                    {{"name", name},
                     {"owner", owner},
                     {"exhibit_prefix", "EX"},
                     {"passphrase", pass},
                     {"passphrase_again", pass}},
                    Csrf(cookie));
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303) << res->body;
    auto home = app().Client().Get("/", {{"Cookie", cookie}});
    return home ? home->body : "";
  }

 private:
  std::optional<AppProcess> app_;
};

}  // namespace evidence::testing
