// `key rotate`: a new signing key, endorsed by the current one (docs/case-format.md "Keys and
// rotation"). `key passphrase`: the key files re-wrapped under a new passphrase
// (docs/key-file.md, "Changing the passphrase").
#include <iostream>
#include <memory>

#include "cli.hpp"

namespace evidence::cli {

void AddKeyRotateCommand(CLI::App& app, Globals& g, Runner& run) {
  CLI::App* key = app.get_subcommand("key");
  auto* cmd = key->add_subcommand(
      "rotate", "make a new signing key, signed over by the current one; it signs from now on");
  auto no_pass = std::make_shared<bool>(false);
  cmd->add_flag("--no-passphrase", *no_pass,
                "store the new key unencrypted (anyone with the folder can sign)");
  cmd->callback([&g, &run, no_pass] {
    run = [&g, no_pass]() -> int {
      // The passphrase that unlocks the current key also protects the new one, so it is asked
      // for once.
      auto remembered = std::make_shared<std::optional<std::string>>();
      Globals copy = g;
      auto c = Case::Open(CaseDir(g), [copy, remembered]() -> Result<std::string> {
        auto p = ReadPassphrase(copy, "Passphrase for the case key: ", false);
        if (p.ok()) *remembered = *p;
        return p;
      });
      if (!c.ok()) return ReportError(c.status());
      RememberCase(*c);
      if (Status s = c->Unlock(); !s.ok()) return ReportError(s);
      std::optional<std::string> passphrase;
      if (!*no_pass) {
        if (remembered->has_value()) {
          passphrase = **remembered;
        } else {
          auto p = ReadPassphrase(g, "Passphrase to protect the new key: ", true);
          if (!p.ok()) {
            int code = ReportError(p.status());
            PrintHint("or pass --no-passphrase to keep the new key unencrypted");
            return code;
          }
          passphrase = *p;
        }
      }
      auto r = c->RotateKey(passphrase);
      if (passphrase) Wipe(*passphrase);
      if (remembered->has_value()) Wipe(**remembered);
      if (!r.ok()) return ReportError(r.status());
      if (*no_pass) PrintWarning("the new signing key is stored unencrypted");
      if (g.json) {
        PrintJson({{"key", r->key_name},
                   {"old_fingerprint", r->old_fingerprint},
                   {"new_fingerprint", r->new_fingerprint},
                   {"entry", r->entry}});
      } else if (!g.quiet) {
        std::cout << "new signing key " << PrintableText(r->key_name) << " " << r->new_fingerprint
                  << "\n"
                  << "endorsed by the old key " << r->old_fingerprint << " in ledger entry "
                  << r->entry << " (key.added)\n"
                  << "tell the people you send bundles to the new fingerprint\n";
      }
      return kExitOk;
    };
  });
}

void AddKeyPassphraseCommand(CLI::App& app, Globals& g, Runner& run) {
  CLI::App* key = app.get_subcommand("key");
  auto* cmd = key->add_subcommand(
      "passphrase", "change the passphrase that protects the case's keys (they stay the same)");
  auto new_file = std::make_shared<std::string>();
  cmd->add_option("--new-passphrase-file", *new_file,
                  "read the new passphrase from this file (else $EVIDENCE_NEW_PASSPHRASE, else a "
                  "prompt, asked twice)");
  cmd->callback([&g, &run, new_file] {
    run = [&g, new_file]() -> int {
      // An encrypted case asks the current passphrase as it opens; it is kept for the change.
      auto asked = std::make_shared<std::string>();
      Globals copy = g;
      auto c = Case::Open(CaseDir(g), [copy, asked]() -> Result<std::string> {
        auto p = ReadPassphrase(copy, "Current passphrase: ", false);
        if (p.ok()) *asked = *p;
        return p;
      });
      ScopedWipe wipe_asked(*asked);
      if (!c.ok()) {
        int code = ReportError(c.status());
        if (code == kExitUsage) PrintHint("nothing was changed");
        return code;
      }
      RememberCase(*c);
      // Refused before anything is asked: there is nothing to type the old passphrase for.
      if (!c->info().key_encrypted) {
        int code = ReportError(Status::InvalidArgument(
            "this case was made with --no-passphrase: its keys have no passphrase to change"));
        PrintHint("nothing was changed; `evidence encrypt` gives the case a passphrase");
        return code;
      }
      auto old_pass =
          asked->empty() ? ReadPassphrase(g, "Current passphrase: ", false) : Result(*asked);
      if (!old_pass.ok()) return ReportError(old_pass.status());
      ScopedWipe wipe_old(*old_pass);
      auto new_pass =
          ReadPassphraseFrom(*new_file, "EVIDENCE_NEW_PASSPHRASE", "New passphrase: ", true);
      if (!new_pass.ok()) {
        return ReportError(new_pass.status().AboutArgument("new_passphrase"),
                           {{"new_passphrase", "--new-passphrase-file"}});
      }
      ScopedWipe wipe_new(*new_pass);
      Status s = c->ChangePassphrase(*old_pass, *new_pass);
      if (!s.ok()) {
        return ReportError(
            s, {{"old_passphrase", "",
                 "give the current passphrase (--passphrase-file or EVIDENCE_PASSPHRASE); "
                 "nothing was changed"},
                {"new_passphrase", "--new-passphrase-file"}});
      }
      if (g.json) {
        PrintJson({{"changed", true}});
      } else if (!g.quiet) {
        std::cout << "the case's keys are now protected by the new passphrase; the old one no "
                     "longer opens them\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace evidence::cli
