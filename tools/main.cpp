// The `evidence` command line. Data goes to stdout, diagnostics to stderr with the prefix
// "evidence: ", and the exit status says which kind of failure it was (docs/cli.md).
#include <sys/prctl.h>
#include <sys/resource.h>

#include <exception>
#include <iostream>

#include "cli.hpp"

namespace {
constexpr const char* kVersion = "0.1.0";

// A core dump of this process could hold a decrypted case key and the passphrase that unlocked
// it, written to whatever folder the process runs in; none is ever made (docs/reliability.md).
void ForbidCoreDumps() {
  struct rlimit none = {0, 0};
  (void)setrlimit(RLIMIT_CORE, &none);
  (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int Run(int argc, char** argv) {
  using namespace evidence::cli;
  CLI::App app{
      "evidence: keep evidence of stalking and harassment intact, with a custody ledger "
      "anyone can check",
      "evidence"};
  app.set_version_flag("--version", std::string("evidence ") + kVersion);
  Globals g;
  app.add_option("-C,--case", g.case_dir,
                 "case folder (default: $EVIDENCE_CASE, else $XDG_DATA_HOME/evidence/default)");
  app.add_flag("--json", g.json, "machine-readable output on stdout");
  app.add_flag("-q,--quiet", g.quiet, "print only errors");
  app.add_option("--passphrase-file", g.passphrase_file,
                 "read the case key's passphrase from this file (else $EVIDENCE_PASSPHRASE, else "
                 "a prompt)");
  app.require_subcommand(1);
  app.fallthrough();

  Runner run;
  AddCaseCommands(app, g, run);
  AddDiaryCommands(app, g, run);
  AddReportCommands(app, g, run);
  AddBundleCommands(app, g, run);
  AddProveCommands(app, g, run);
  AddKeyRotateCommand(app, g, run);
  AddKeyPassphraseCommand(app, g, run);
  AddTimestampCommands(app, g, run);
  AddCallsCommands(app, g, run);
  AddEncryptCommand(app, g, run);
  AddAppCommand(app, g, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "evidence: error: " << e.what() << "\n";
    std::cerr << "evidence: hint: run 'evidence --help' for the commands and options\n";
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  const int code = run();
  NotePlaintextCase(code);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  ForbidCoreDumps();
  // The library reports errors as values; anything that still escapes is a bug, reported in one
  // line with the environment's status rather than an abort.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "evidence: error: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "evidence: error: internal error: unknown exception\n";
  }
  return evidence::cli::kExitEnvironment;
}
