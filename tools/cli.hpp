// Shared pieces of the `evidence` command line: global options, the one place that maps library
// errors to messages and exit statuses (docs/cli.md), and output helpers.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evidence/case.hpp"
#include "evidence/human_size.hpp"
#include "evidence/printable.hpp"
#include "evidence/status.hpp"

namespace evidence::cli {

namespace fs = std::filesystem;

// Exit statuses of docs/cli.md.
enum ExitCode : int {
  kExitOk = 0,
  kExitNotVerified = 1,
  kExitUsage = 2,
  kExitEnvironment = 3,
};

struct Globals {
  std::string case_dir;         // -C/--case
  bool json = false;            // --json
  bool quiet = false;           // -q/--quiet
  std::string passphrase_file;  // --passphrase-file
};

int ExitCodeFor(const Status& status);

// Human-readable output passes every value that came from the case, an input file or a bundle
// through PrintableText (evidence/printable.hpp) before printing it, so that the text cannot act
// on the terminal (docs/output.md). --json output needs no such step: JSON escapes controls.

// Prints "evidence: error: <message>" (and a hint where one helps) to stderr, made printable;
// returns the exit code.
int ReportError(const Status& status);

// How a command supplies one input of a library call: the input's API name (what
// Status::argument() says), the flag it comes from, and a hint to print when an error is about it.
// An empty `flag` leaves the message as it is; an empty `hint` prints none.
struct FlagFor {
  std::string_view argument;
  std::string_view flag;
  std::string_view hint = {};
};

// ReportError for a call whose inputs come from `flags`: the library names the input at fault
// (never a flag), and this puts its flag before the message and prints its hint.
int ReportError(const Status& status, std::initializer_list<FlagFor> flags);
void PrintHint(const std::string& hint);
void PrintWarning(const std::string& warning);

fs::path CaseDir(const Globals& g);

// The case key's passphrase: --passphrase-file, $EVIDENCE_PASSPHRASE, or a no-echo prompt on the
// terminal. kInvalidArgument when none is available.
Result<std::string> ReadPassphrase(const Globals& g, const std::string& prompt, bool confirm);
// The same for another secret: the first line of `file` when given, else $`env_name`, else the
// no-echo prompt (asked twice with `confirm`).
Result<std::string> ReadPassphraseFrom(const std::string& file, const char* env_name,
                                       const std::string& prompt, bool confirm);

// Wipes a string that held a passphrase when the scope ends (explicit_bzero, which the compiler
// may not drop as a dead store), so that no copy the command made outlives its use.
void Wipe(std::string& s);
class ScopedWipe {
 public:
  explicit ScopedWipe(std::string& s) : s_(s) {}
  ~ScopedWipe() { Wipe(s_); }
  ScopedWipe(const ScopedWipe&) = delete;
  ScopedWipe& operator=(const ScopedWipe&) = delete;

 private:
  std::string& s_;
};

// Opens the case named by the globals, with a passphrase provider (asked at once for an
// encrypted case, else only by commands that sign), and remembers it for NotePlaintextCase.
Result<Case> OpenCase(const Globals& g);
// Remembers that the command works on `c` (OpenCase does this).
void RememberCase(const Case& c);
// After a command that ran (exit 0 or 1) on a plaintext case: one line on stderr saying that the
// case is not encrypted at rest, so no command lets the user forget it.
void NotePlaintextCase(int exit_code);

// Prints JSON (pretty) on stdout.
void PrintJson(const nlohmann::json& j);

// A user time for --since/--until, as an RFC 3339 UTC bound; a bare date as `until` means the end
// of that day.
Result<std::string> TimeBound(const std::string& text, bool upper);

// The --since and --until of a listing command as TimeBound gives them, each left unset when its
// text is empty; the error names the option.
Status TimeBounds(const std::string& since, const std::string& until,
                  std::optional<std::string>* lower, std::optional<std::string>* upper);

// `exhibit` (when set) as the case spells its exhibit id; kNotFound for an unknown one.
Status CanonicalExhibit(const Case& c, std::optional<std::string>* exhibit);

// Each command registers itself on the app; the returned function runs it and gives the exit code.
using Runner = std::function<int()>;
void AddCaseCommands(CLI::App& app, Globals& g, Runner& run);
void AddDiaryCommands(CLI::App& app, Globals& g, Runner& run);
void AddReportCommands(CLI::App& app, Globals& g, Runner& run);
void AddBundleCommands(CLI::App& app, Globals& g, Runner& run);
void AddProveCommands(CLI::App& app, Globals& g, Runner& run);
// Adds `key rotate` to the `key` command; call after AddCaseCommands.
void AddKeyRotateCommand(CLI::App& app, Globals& g, Runner& run);
void AddKeyPassphraseCommand(CLI::App& app, Globals& g, Runner& run);
void AddTimestampCommands(CLI::App& app, Globals& g, Runner& run);
void AddCallsCommands(CLI::App& app, Globals& g, Runner& run);
void AddEncryptCommand(CLI::App& app, Globals& g, Runner& run);
void AddAppCommand(CLI::App& app, Globals& g, Runner& run);

}  // namespace evidence::cli
