#include "testing.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "evidence/hash.hpp"

extern char** environ;

namespace evidence::testing {

TempDir::TempDir() : TempDir(fs::temp_directory_path()) {}

TempDir::TempDir(const fs::path& base) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = base / ("evidence-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  // Objects in a case are read-only; make everything writable so it can be removed.
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Sha256OfFile(const fs::path& path) {
  return DigestHex(Sha256::Of(std::string_view(ReadFile(path))));
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << content;
}

namespace {

RunResult Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&fa, fd);
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (const auto& e : envp) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  // Feed stdin and drain both outputs together so that no pipe can fill up and deadlock.
  RunResult r;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
    int nfds = in_fd >= 0 ? 3 : 2;
    if (poll(fds, nfds, -1) < 0) continue;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP)) {
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
        } else {
          (i == 0 ? out_open : err_open) = false;
          fds[i].fd = -1;
        }
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    if (!out_open && !err_open) break;
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace

const std::vector<std::string> kToolVariables = {"EVIDENCE_PASSPHRASE",
                                                 "EVIDENCE_BUNDLE_PASSPHRASE",
                                                 "EVIDENCE_CASE",
                                                 "XDG_DATA_HOME",
                                                 "HOME",
                                                 "TZ",
                                                 "LC_ALL",
                                                 "LANG"};

namespace {

// What a test's CLI may take from the caller: how to find programs, where temporary files go,
// and how the sanitizer builds report. Nothing here is read by the tool itself.
const std::vector<std::string> kInherited = {"PATH",          "TMPDIR",       "ASAN_OPTIONS",
                                             "UBSAN_OPTIONS", "LSAN_OPTIONS", "LLVM_PROFILE_FILE"};

std::vector<std::string> EnvList(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

std::map<std::string, std::string> CliEnvironment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (const auto& name : kInherited) {
    if (const char* v = std::getenv(name.c_str()); v != nullptr) env[name] = v;
  }
  if (env.count("PATH") == 0) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  // Folders that do not exist: a command that falls back to the default case finds none, and
  // one that tried to write under HOME would fail loudly.
  const fs::path nowhere = fs::temp_directory_path() / "evidence-test-no-such-home";
  env["HOME"] = nowhere.string();
  env["XDG_DATA_HOME"] = (nowhere / "data").string();
  env["TZ"] = "UTC";
  env["LC_ALL"] = "C.UTF-8";
  env["LANG"] = "C.UTF-8";
  for (const auto& [k, v] : extra) {
    if (v.empty()) {
      env.erase(k);
    } else {
      env[k] = v;
    }
  }
  return env;
}

RunResult RunEvidence(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> argv = {EVIDENCE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return Spawn(argv, EnvList(CliEnvironment(extra_env)), "");
}

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input) {
  return Spawn(argv, CurrentEnvironment(), input);
}

RunResult RunProgramIn(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, const std::string& input) {
  return Spawn(argv, EnvList(env), input);
}

PortableCli CopyCliForOtherUsers(const fs::path& dir, const fs::path& binary,
                                 const fs::path& library) {
  constexpr auto kReadable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec;
  fs::create_directories(dir);
  fs::permissions(dir, kReadable);
  PortableCli cli{dir / "evidence", dir};
  // The binary's run path names the build tree; LD_LIBRARY_PATH (searched before a RUNPATH)
  // makes the loader take the copy instead.
  fs::copy_file(binary, cli.binary, fs::copy_options::overwrite_existing);
  fs::copy_file(library, dir / library.filename(), fs::copy_options::overwrite_existing);
  fs::permissions(cli.binary, kReadable);
  fs::permissions(dir / library.filename(), kReadable);
  return cli;
}

std::optional<fs::path> SamplesDir() {
  const char* dir = std::getenv("EVIDENCE_SAMPLES");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  if (!fs::is_directory(dir)) return std::nullopt;
  return fs::path(dir);
}

std::optional<fs::path> VectorsDir() {
  const char* dir = std::getenv("EVIDENCE_VECTORS");
  if (dir != nullptr && *dir != '\0') {
    if (fs::is_directory(dir)) return fs::path(dir);
    return std::nullopt;
  }
  auto samples = SamplesDir();
  if (!samples) return std::nullopt;
  fs::path vectors = samples->parent_path() / "vectors";
  if (samples->filename().empty()) vectors = samples->parent_path().parent_path() / "vectors";
  if (!fs::is_directory(vectors)) return std::nullopt;
  return vectors;
}

}  // namespace evidence::testing
