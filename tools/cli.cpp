#include "cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <tuple>

#include "evidence/printable.hpp"
#include "evidence/small_file.hpp"
#include "evidence/time.hpp"

namespace evidence::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kVerificationFailed:
    case StatusCode::kCorruption:
      return kExitNotVerified;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kUnsupported:
      return kExitUsage;
    case StatusCode::kIoError:
    case StatusCode::kBusy:
      return kExitEnvironment;
  }
  return kExitEnvironment;
}

int ReportError(const Status& status) {
  // Messages echo file names and values from the case: one line each, inert.
  std::cerr << "evidence: error: " << PrintableText(status.message()) << "\n";
  if (status.code() == StatusCode::kBusy) {
    PrintHint("another evidence command is using this case; try again when it has finished");
  }
  return ExitCodeFor(status);
}

int ReportError(const Status& status, std::initializer_list<FlagFor> flags) {
  for (const FlagFor& f : flags) {
    if (status.argument().empty() || status.argument() != f.argument) continue;
    const Status shown = f.flag.empty() ? status : status.WithContext(f.flag);
    std::cerr << "evidence: error: " << PrintableText(shown.message()) << "\n";
    if (!f.hint.empty()) PrintHint(std::string(f.hint));
    return ExitCodeFor(status);
  }
  return ReportError(status);
}

void PrintHint(const std::string& hint) {
  std::cerr << "evidence: hint: " << PrintableText(hint) << "\n";
}
void PrintWarning(const std::string& warning) {
  std::cerr << "evidence: warning: " << PrintableText(warning) << "\n";
}

fs::path CaseDir(const Globals& g) {
  if (!g.case_dir.empty()) return g.case_dir;
  return DefaultCaseDir();
}

namespace {

// A passphrase file holds one line; anything this large is not one.
constexpr std::size_t kMaxPassphraseFile = 64 * 1024;

Result<std::string> PromptNoEcho(const std::string& prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    return Status::InvalidArgument(
        "the case key needs a passphrase and there is no terminal to ask on (use "
        "--passphrase-file or EVIDENCE_PASSPHRASE)");
  }
  // Unbuffered, so that no stdio buffer keeps a copy of the passphrase after the line is read;
  // the line's own buffer is reserved up front so that growing it leaves no stale copies behind.
  std::setvbuf(tty, nullptr, _IONBF, 0);
  int fd = fileno(tty);
  termios old{};
  bool restore = tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::fputs(prompt.c_str(), tty);
  std::fflush(tty);
  std::string line;
  line.reserve(1024);
  int c;
  while ((c = std::fgetc(tty)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  if (restore) tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  std::fclose(tty);
  return line;
}

}  // namespace

Result<std::string> ReadPassphraseFrom(const std::string& file, const char* env_name,
                                       const std::string& prompt, bool confirm) {
  if (!file.empty()) {
    // Read whole into one string that is wiped here, rather than through a stream whose buffer
    // would keep a copy.
    auto text = ReadSmallFile(file, kMaxPassphraseFile);
    if (!text.ok()) return Status::InvalidArgument(file + ": cannot read the passphrase file");
    ScopedWipe wipe_text(*text);
    std::string line = text->substr(0, text->find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return Status::InvalidArgument(file + ": the passphrase is empty");
    return line;
  }
  if (const char* env = std::getenv(env_name); env && *env) return std::string(env);
  auto first = PromptNoEcho(prompt);
  if (!first.ok()) return first;
  if (first->empty()) return Status::InvalidArgument("the passphrase is empty");
  if (confirm) {
    auto second = PromptNoEcho("Repeat the passphrase: ");
    if (!second.ok()) {
      ScopedWipe wipe_first(*first);
      return second;
    }
    ScopedWipe wipe_second(*second);
    if (*second != *first) {
      ScopedWipe wipe_first(*first);
      return Status::InvalidArgument("the two passphrases differ");
    }
  }
  return first;
}

void Wipe(std::string& s) { explicit_bzero(s.data(), s.size()); }

Result<std::string> ReadPassphrase(const Globals& g, const std::string& prompt, bool confirm) {
  return ReadPassphraseFrom(g.passphrase_file, "EVIDENCE_PASSPHRASE", prompt, confirm);
}

namespace {
bool g_plaintext_case = false;
}  // namespace

void RememberCase(const Case& c) { g_plaintext_case = !c.info().encrypted; }

void NotePlaintextCase(int exit_code) {
  if (!g_plaintext_case || (exit_code != kExitOk && exit_code != kExitNotVerified)) return;
  std::cerr << "evidence: note: this case is not encrypted at rest (it was made with "
               "--no-passphrase): anyone who can read its folder can read its evidence; "
               "`evidence encrypt` encrypts it\n";
}

Result<Case> OpenCase(const Globals& g) {
  Globals copy = g;
  auto c = Case::Open(
      CaseDir(g), [copy]() { return ReadPassphrase(copy, "Passphrase for the case: ", false); });
  if (c.ok()) RememberCase(*c);
  return c;
}

void PrintJson(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

Result<std::string> TimeBound(const std::string& text, bool upper) {
  auto ms = ParseTimeBound(text, upper);
  if (!ms.ok()) return ms.status();
  return FormatUtc(*ms);
}

Status TimeBounds(const std::string& since, const std::string& until,
                  std::optional<std::string>* lower, std::optional<std::string>* upper) {
  for (auto [text, bound, is_upper] :
       {std::tuple{&since, lower, false}, std::tuple{&until, upper, true}}) {
    if (text->empty()) continue;
    auto t = TimeBound(*text, is_upper);
    if (!t.ok()) return t.status().WithContext(is_upper ? "--until" : "--since");
    *bound = *t;
  }
  return Status::Ok();
}

Status CanonicalExhibit(const Case& c, std::optional<std::string>* exhibit) {
  if (!*exhibit) return Status::Ok();
  auto it = c.GetItem(**exhibit);
  if (!it.ok()) return it.status();
  *exhibit = it->exhibit;
  return Status::Ok();
}

}  // namespace evidence::cli
