// `prove ID` (inclusion proofs of an item's or incident's entries) and `prove --consistency
// OLD_CHECKPOINT_FILE` (the ledger only grew since an older checkpoint). docs/merkle.md describes
// the proofs and the --json shapes.
#include <iostream>

#include "cli.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/ledger.hpp"
#include "evidence/small_file.hpp"

namespace evidence::cli {

namespace {

nlohmann::json HexList(const std::vector<Sha256Digest>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(HexEncode(h));
  return out;
}

void PrintPath(const char* label, const std::vector<Sha256Digest>& path) {
  if (path.empty()) {
    std::cout << "  " << label << "  (empty)\n";
    return;
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    std::cout << "  " << (i == 0 ? label : std::string(std::string(label).size(), ' ').c_str())
              << "  " << HexEncode(path[i]) << "\n";
  }
}

int ProveItem(const Globals& g, const std::string& id) {
  auto c = OpenCase(g);
  if (!c.ok()) return ReportError(c.status());
  auto p = c->Prove(id);
  if (!p.ok()) return ReportError(p.status());
  if (g.json) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : p->entries) {
      entries.push_back({{"seq", e.seq},
                         {"leaf_hash", HexEncode(e.leaf_hash)},
                         {"inclusion_path", HexList(e.inclusion_path)},
                         {"entry", e.entry}});
    }
    PrintJson({{"id", p->id},
               {"tree_size", p->tree_size},
               {"root", HexEncode(p->root)},
               {"entries", entries},
               {"checkpoint", p->checkpoint}});
    return kExitOk;
  }
  std::cout << PrintableText(p->id) << ": " << p->entries.size()
            << " ledger entries, each proven against the "
            << "checkpoint of tree size " << p->tree_size << " (root " << HexEncode(p->root)
            << ")\n";
  for (const auto& e : p->entries) {
    std::string action;
    if (auto parsed = ParseLedgerEntry(e.entry); parsed.ok()) action = parsed->action;
    std::cout << "entry " << e.seq << "  " << PrintableText(action) << "  (tree size "
              << p->tree_size << ")\n"
              << "  " << PrintableText(e.entry) << "\n"
              << "  leaf  " << HexEncode(e.leaf_hash) << "\n";
    PrintPath("path", e.inclusion_path);
  }
  std::cout << "checkpoint:\n" << PrintableText(p->checkpoint, AsciiControls::kKeepNewlines);
  return kExitOk;
}

int ProveConsistency(const Globals& g, const std::string& file) {
  auto note = ReadSmallFile(file, kMaxNoteSize);
  if (!note.ok()) return ReportError(note.status().WithContext("--consistency"));
  auto c = OpenCase(g);
  if (!c.ok()) return ReportError(c.status());
  auto p = c->ProveConsistency(*note);
  if (!p.ok()) {
    int code = ReportError(p.status().WithContext(file));
    if (p.status().code() == StatusCode::kVerificationFailed) {
      PrintHint("this ledger does not extend that checkpoint; keep both and run `evidence verify`");
    }
    return code;
  }
  if (g.json) {
    PrintJson({{"from_size", p->old_size},
               {"from_root", HexEncode(p->old_root)},
               {"from_signer", p->old_signer},
               {"to_size", p->new_size},
               {"to_root", HexEncode(p->new_root)},
               {"path", HexList(p->path)},
               {"checkpoint", p->checkpoint}});
    return kExitOk;
  }
  std::cout << "consistency proof from tree size " << p->old_size << " to " << p->new_size
            << " (RFC 9162 section 2.1.4)\n"
            << "  old root  " << HexEncode(p->old_root) << " (signed by "
            << PrintableText(p->old_signer) << ")\n"
            << "  new root  " << HexEncode(p->new_root) << "\n";
  PrintPath("path    ", p->path);
  std::cout << "the ledger only grew since that checkpoint\n"
            << "checkpoint:\n"
            << PrintableText(p->checkpoint, AsciiControls::kKeepNewlines);
  return kExitOk;
}

}  // namespace

void AddProveCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand(
      "prove", "Merkle proofs: an item's entries are in the signed ledger, or it only grew");
  auto id = std::make_shared<std::string>();
  auto consistency = std::make_shared<std::string>();
  cmd->add_option("id", *id, "exhibit or incident id: prove its ledger entries");
  cmd->add_option("--consistency", *consistency,
                  "an older checkpoint file of this case: prove the ledger only grew since");
  cmd->callback([&g, &run, id, consistency] {
    run = [&g, id, consistency]() -> int {
      if (id->empty() == consistency->empty()) {
        std::cerr << "evidence: error: prove: give either an exhibit or incident id, or "
                     "--consistency OLD_CHECKPOINT_FILE\n";
        return kExitUsage;
      }
      return id->empty() ? ProveConsistency(g, *consistency) : ProveItem(g, *id);
    };
  });
}

}  // namespace evidence::cli
