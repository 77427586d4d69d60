// `key rotate`: a new signing key, endorsed by the current one (docs/case-format.md "Keys and
// rotation").
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

}  // namespace evidence::cli
