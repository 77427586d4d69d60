// `encrypt`: a plaintext case converted in place into an encrypted one (docs/cli.md).
#include <iostream>

#include "cli.hpp"

namespace evidence::cli {

void AddEncryptCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand(
      "encrypt", "encrypt a plaintext case at rest under a passphrase (objects, ledger, keys)");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      auto pass = ReadPassphrase(g, "Passphrase to protect the case: ", true);
      if (!pass.ok()) return ReportError(pass.status());
      ScopedWipe wipe(*pass);
      const fs::path dir = CaseDir(g);
      if (Status s = Case::Encrypt(dir, *pass); !s.ok()) return ReportError(s);
      // Overwriting is all a program can do: the old blocks may survive elsewhere.
      PrintWarning(
          "the plaintext files were overwritten and removed, but SSDs, copy-on-write file "
          "systems and backups may still hold copies of them (docs/case-format.md)");
      if (g.json) {
        PrintJson({{"case", dir.string()}, {"encrypted", true}});
      } else if (!g.quiet) {
        std::cout << "encrypted case " << PrintableText(dir.string()) << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace evidence::cli
