// Running the real `evidence` binary in the background, for the kill and concurrency tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing.hpp"

namespace evidence::testing {

struct Child {
  pid_t pid = -1;
  fs::path out, err;  // where its stdout and stderr go
};

// Starts `evidence args...` with stdout and stderr into files `log`.out / `log`.err, in
// CliEnvironment(`env`).
inline Child StartEvidence(const std::vector<std::string>& args, const fs::path& log,
                           const std::map<std::string, std::string>& env_vars = {}) {
  Child c;
  c.out = log;
  c.out += ".out";
  c.err = log;
  c.err += ".err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv = {EVIDENCE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env;
  for (const auto& [k, v] : CliEnvironment(env_vars)) env.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  int rc = posix_spawn(&c.pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("cannot start evidence: ") + strerror(rc));
  return c;
}

// Waits for the child: its exit status, or -N if signal N killed it.
inline int WaitChild(const Child& c) {
  int status = 0;
  while (waitpid(c.pid, &status, 0) < 0) {
    if (errno != EINTR) return -255;
  }
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace evidence::testing
