// Commands about the case itself and its items: init, add, list, show, log, verify, checkpoint,
// extract, key.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>

#include "cli.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/time.hpp"

namespace evidence::cli {

namespace {

const std::set<std::string> kKinds = {"photo",          "screenshot", "image",    "audio", "video",
                                      "message-export", "email",      "document", "other", "calls"};

nlohmann::json EntryJson(const LedgerEntry& e) {
  return {{"v", 1},           {"seq", e.seq},       {"time", e.time},
          {"actor", e.actor}, {"action", e.action}, {"data", e.data}};
}

// Expands the paths of `add`, checking them all before anything is ingested, so that one bad
// path leaves the case untouched.
Result<std::vector<fs::path>> CollectFiles(const std::vector<std::string>& paths, bool recursive) {
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    fs::path path(p);
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(p + ": no such file");
    if (fs::is_directory(st)) {
      if (!recursive) return Status::InvalidArgument(p + ": is a folder (use -r to add folders)");
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto s = it->symlink_status(ec);
        if (fs::is_symlink(s)) {
          PrintWarning(it->path().string() + ": symbolic link skipped (add its target instead)");
          continue;
        }
        if (fs::is_regular_file(s)) found.push_back(it->path());
      }
      if (ec) return Status::InvalidArgument(p + ": cannot read folder: " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(st)) {
      files.push_back(path);
    } else {
      return Status::InvalidArgument(p + ": not a regular file");
    }
  }
  for (const auto& f : files) {
    if (::access(f.c_str(), R_OK) != 0) {
      return Status::InvalidArgument(f.string() + ": cannot read: permission denied");
    }
  }
  return files;
}

void AddInitCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("init", "create a case and its owner's signing key");
  auto name = std::make_shared<std::string>();
  auto owner = std::make_shared<std::string>("owner");
  auto prefix = std::make_shared<std::string>("EX");
  auto no_pass = std::make_shared<bool>(false);
  cmd->add_option("--name", *name, "title of the case");
  cmd->add_option("--owner", *owner, "who keeps the case (names the signing key)");
  cmd->add_option("--exhibit-prefix", *prefix, "exhibit ids are PREFIX-NNNN (default EX)");
  cmd->add_flag("--no-passphrase", *no_pass,
                "store the signing key unencrypted (anyone with the folder can sign)");
  cmd->callback([&g, &run, name, owner, prefix, no_pass] {
    run = [&g, name, owner, prefix, no_pass]() -> int {
      CaseOptions opt;
      opt.name = *name;
      opt.owner = *owner;
      opt.exhibit_prefix = *prefix;
      if (!*no_pass) {
        auto pass = ReadPassphrase(g, "Passphrase to protect the case key: ", true);
        if (!pass.ok()) {
          int code = ReportError(pass.status());
          PrintHint("or pass --no-passphrase to keep the key unencrypted");
          return code;
        }
        opt.passphrase = *pass;
      }
      fs::path dir = CaseDir(g);
      auto c = Case::Create(dir, opt);
      if (!c.ok()) return ReportError(c.status());
      if (*no_pass)
        PrintWarning("the signing key is stored unencrypted in " + (dir / "keys").string());
      if (g.json) {
        PrintJson({{"case", dir.string()},
                   {"uuid", c->info().uuid},
                   {"key", c->info().key_name},
                   {"fingerprint", c->info().key_fingerprint}});
      } else if (!g.quiet) {
        std::cout << "created case " << c->info().uuid << " in " << PrintableText(dir.string())
                  << "\n"
                  << "signing key " << PrintableText(c->info().key_name) << " "
                  << c->info().key_fingerprint << "\n";
      }
      return kExitOk;
    };
  });
}

// One line per file added (and one per media file found inside it); a duplicate says what
// happens to it instead.
void PrintIngestOutcome(const IngestOutcome& r, const std::optional<std::string>& incident_id) {
  const fs::path& f = r.source;
  if (r.duplicate) {
    std::cout << PrintableText(f.string()) << ": already in the case as " << r.exhibit
              << (incident_id ? "; linking it to " + *incident_id : "; nothing recorded") << "\n";
    return;
  }
  std::cout << r.exhibit << "  " << r.kind << "  " << HumanSize(r.size) << "  "
            << DigestHex(r.sha256) << "  " << PrintableText(f.string());
  if (r.messages) {
    const bool one = r.messages == 1;
    const char* unit =
        r.kind == "calls" ? (one ? " call)" : " calls)") : (one ? " message)" : " messages)");
    std::cout << "  (" << r.messages << unit;
  }
  std::cout << "\n";
  for (const auto& child : r.children) {
    std::cout << "  " << PrintableText(child) << "  media inside " << r.exhibit << "\n";
  }
}

nlohmann::json IngestOutcomeJson(const IngestOutcome& r) {
  nlohmann::json j = {{"path", LossyUtf8(r.source.string())},
                      {"exhibit", r.exhibit},
                      {"sha256", DigestHex(r.sha256)},
                      {"size", r.size},
                      {"duplicate", r.duplicate}};
  if (!r.duplicate) {
    j["kind"] = r.kind;
    j["messages"] = r.messages;
    j["children"] = r.children;
    j["errors"] = r.errors;
    j["warnings"] = r.warnings;
  }
  return j;
}

// The options of `add`: CLI11 fills them while parsing; RunAdd reads them once parsing is done.
struct AddArgs {
  std::vector<std::string> paths;
  bool recursive = false;
  std::string note;
  std::string incident;
  std::string kind;
  std::string date_order;
};

int RunAdd(Globals& g, const AddArgs& a) {
  DateOrder order = DateOrder::kUnknown;
  if (!a.date_order.empty()) {
    auto o = ParseDateOrder(a.date_order);
    if (!o.ok()) return ReportError(o.status().WithContext("--date-order"));
    order = *o;
  }
  auto c = OpenCase(g);
  if (!c.ok()) return ReportError(c.status());
  std::optional<std::string> incident_id;
  if (!a.incident.empty()) {
    auto inc = c->GetIncident(a.incident);
    if (!inc.ok()) return ReportError(inc.status());
    incident_id = inc->id;
  }
  auto files = CollectFiles(a.paths, a.recursive);
  if (!files.ok()) return ReportError(files.status());
  if (Status s = c->Unlock(); !s.ok()) return ReportError(s);
  IngestOptions opt;
  opt.note = a.note;
  opt.incident = incident_id;
  opt.date_order = order;
  if (!a.kind.empty()) opt.kind = a.kind;
  std::vector<std::string> duplicates;
  bool progress = isatty(STDERR_FILENO) && !g.quiet && files->size() > 1;
  nlohmann::json out = nlohmann::json::array();
  int exit_code = kExitOk;
  size_t n = 0;
  // Files are staged in parallel but reported here in the order given, as they are
  // recorded.
  Status ingested = c->IngestFiles(*files, opt, [&](const IngestOutcome& r) {
    const fs::path& f = r.source;
    ++n;
    if (progress) {
      std::cerr << "\r[" << n << "/" << files->size() << "] "
                << PrintableText(f.filename().string()) << "\x1b[K" << std::flush;
    }
    for (const auto& e : r.errors) {
      PrintWarning(f.string() + ": kept, but " + e);
    }
    for (const auto& w : r.warnings) PrintWarning(f.string() + ": " + w);
    if (r.duplicate) duplicates.push_back(r.exhibit);
    // Kept only when printed: memory stays flat.
    if (g.json) out.push_back(IngestOutcomeJson(r));
    if (!g.json && !g.quiet) PrintIngestOutcome(r, incident_id);
  });
  if (!ingested.ok()) {
    if (progress) std::cerr << "\n";
    exit_code = ReportError(ingested);
    if (ingested.argument() == "date_order") {
      PrintHint(
          "look at the dates in the file and add it again with --date-order day-first "
          "or --date-order month-first");
    }
  }
  if (progress) std::cerr << "\r\x1b[K" << std::flush;
  // Evidence already in the case still belongs to the incident it was added for.
  if (incident_id && !duplicates.empty() && exit_code == kExitOk) {
    if (Status s = c->LinkItems(*incident_id, duplicates); !s.ok()) exit_code = ReportError(s);
  }
  // Every batch is signed in its own transaction; this only catches up a ledger left
  // unsigned by an older version. Not after a failure: a busy lock or a full disk would
  // only fail again, a second error line after a second wait.
  if (exit_code == kExitOk) {
    if (Status s = c->Seal(); !s.ok()) return ReportError(s);
  }
  if (g.json) PrintJson(out);
  return exit_code;
}

void AddAddCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("add", "ingest files: store, hash, extract metadata, record");
  auto a = std::make_shared<AddArgs>();
  cmd->add_option("paths", a->paths, "files (and folders with -r)")->required();
  cmd->add_option("--date-order", a->date_order,
                  "for chat exports whose dates do not show it: day-first or month-first");
  cmd->add_flag("-r,--recursive", a->recursive, "add the files in folders, recursively");
  cmd->add_option("--note", a->note, "a note recorded with each item");
  cmd->add_option("--incident", a->incident, "link the items to this diary entry (INC-NNNN)");
  cmd->add_option("--kind", a->kind, "override the detected kind")
      ->check(CLI::IsMember(std::vector<std::string>(kKinds.begin(), kKinds.end())));
  cmd->callback([&g, &run, a] { run = [&g, a]() -> int { return RunAdd(g, *a); }; });
}

void AddListCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("list", "list the items of the case");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto items = c->Items();
      if (!items.ok()) return ReportError(items.status());
      if (g.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& it : *items) arr.push_back(ItemToJson(it));
        PrintJson(arr);
        return kExitOk;
      }
      std::printf("%-9s %-14s %10s  %-64s  %-25s  %s\n", "EXHIBIT", "KIND", "SIZE", "SHA256",
                  "CAPTURED", "NAME");
      for (const auto& it : *items) {
        std::printf("%-9s %-14s %10s  %-64s  %-25s  %s\n", PrintableText(it.exhibit).c_str(),
                    PrintableText(it.kind).c_str(), HumanSize(it.size).c_str(),
                    DigestHex(it.sha256).c_str(), PrintableText(it.captured.value_or("-")).c_str(),
                    PrintableText(it.name).c_str());
        for (const auto& w : it.warnings) {
          std::printf("%-9s ! %s\n", "", PrintableText(w).c_str());
        }
      }
      return kExitOk;
    };
  });
}

void AddShowCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("show", "show one item with all its metadata and history");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "exhibit id, e.g. EX-0001")->required();
  cmd->callback([&g, &run, id] {
    run = [&g, id]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto item = c->GetItem(*id);
      if (!item.ok()) return ReportError(item.status());
      LogFilter f;
      f.item = item->exhibit;
      auto history = c->Log(f);
      if (!history.ok()) return ReportError(history.status());
      if (g.json) {
        nlohmann::json j = ItemToJson(*item);
        j["history"] = nlohmann::json::array();
        for (const auto& e : *history) j["history"].push_back(EntryJson(e));
        PrintJson(j);
        return kExitOk;
      }
      std::cout << "exhibit:    " << PrintableText(item->exhibit) << "\n"
                << "name:       " << PrintableText(item->name) << "\n"
                << "kind:       " << PrintableText(item->kind) << "\n"
                << "media type: " << PrintableText(item->media_type) << "\n"
                << "size:       " << item->size << " bytes (" << HumanSize(item->size) << ")\n"
                << "sha256:     " << DigestHex(item->sha256) << "\n"
                << "captured:   " << PrintableText(item->captured.value_or("unknown")) << "\n"
                << "ingested:   " << PrintableText(item->ingested) << "\n";
      if (!item->note.empty()) std::cout << "note:       " << PrintableText(item->note) << "\n";
      if (item->parent) std::cout << "parent:     " << PrintableText(*item->parent) << "\n";
      for (const auto& w : item->warnings) {
        std::cout << "warning:    " << PrintableText(w) << "\n";
      }
      if (!item->metadata.empty()) {
        std::cout << "metadata:\n";
        for (const auto& [k, v] : item->metadata.items()) {
          std::cout << "  " << PrintableText(k) << ": "
                    << PrintableText(
                           v.is_string()
                               ? v.get<std::string>()
                               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                    << "\n";
        }
      }
      std::cout << "history:\n";
      for (const auto& e : *history) {
        std::cout << "  " << e.seq << "  " << PrintableText(e.time) << "  "
                  << PrintableText(e.actor) << "  " << PrintableText(e.action) << "\n";
      }
      return kExitOk;
    };
  });
}

void AddMessagesCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("messages", "messages parsed out of chat, SMS and email exports");
  auto item = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  cmd->add_option("id", *item, "only the messages of this export (exhibit id)");
  cmd->add_option("--from", *from, "only messages whose sender contains this text");
  cmd->add_option("--since", *since, "only messages at or after this time");
  cmd->add_option("--until", *until, "only messages at or before this time");
  cmd->callback([&g, &run, item, from, since, until] {
    run = [&g, item, from, since, until]() -> int {
      MessageFilter f;
      if (!item->empty()) f.item = *item;
      if (!from->empty()) f.sender = *from;
      if (Status st = TimeBounds(*since, *until, &f.since, &f.until); !st.ok()) {
        return ReportError(st);
      }
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status st = CanonicalExhibit(*c, &f.item); !st.ok()) return ReportError(st);
      auto msgs = c->Messages(f);
      if (!msgs.ok()) return ReportError(msgs.status());
      if (g.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& sm : *msgs) {
          const Message& m = sm.message;
          nlohmann::json atts = nlohmann::json::array();
          for (const auto& a : m.attachments)
            atts.push_back({{"name", a.name}, {"media_type", a.media_type}});
          arr.push_back({{"item", sm.item},
                         {"index", m.index},
                         {"time", m.time ? nlohmann::json(*m.time) : nlohmann::json()},
                         {"sender", m.sender},
                         {"recipients", m.recipients},
                         {"direction", m.direction},
                         {"system", m.system},
                         {"text", m.text},
                         {"attachments", atts},
                         {"extra", m.extra}});
          if (m.call) {
            arr.back()["call"] = {
                {"type", m.call->type},
                {"number", m.call->number},
                {"contact", m.call->contact},
                {"presentation", m.call->presentation},
                {"duration_s",
                 m.call->duration_s ? nlohmann::json(*m.call->duration_s) : nlohmann::json()}};
          }
        }
        PrintJson(arr);
        return kExitOk;
      }
      for (const auto& sm : *msgs) {
        const Message& m = sm.message;
        std::cout << PrintableText(sm.item) << "#" << m.index << "  "
                  << PrintableText(m.time.value_or("(no time)")) << "  "
                  << (m.system           ? "(system)"
                      : m.sender.empty() ? "(no sender named)"
                                         : PrintableText(m.sender))
                  << ": ";
        // A call has no text of its own (a voicemail's transcript follows its type).
        if (m.call) std::cout << "[" << PrintableText(m.call->type) << " call] ";
        std::cout << PrintableText(m.text);
        for (const auto& a : m.attachments) {
          std::cout << " [attachment " << PrintableText(a.name) << "]";
        }
        std::cout << "\n";
      }
      return kExitOk;
    };
  });
}

void AddLogCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("log", "custody history from the ledger");
  auto item = std::make_shared<std::string>();
  auto incident = std::make_shared<std::string>();
  auto action = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  cmd->add_option("--item", *item, "only entries about this exhibit");
  cmd->add_option("--incident", *incident, "only entries about this incident");
  cmd->add_option("--action", *action, "only entries with this action (e.g. item.ingested)");
  cmd->add_option("--since", *since, "only entries at or after this time");
  cmd->add_option("--until", *until, "only entries at or before this time");
  cmd->callback([&g, &run, item, incident, action, since, until] {
    run = [&g, item, incident, action, since, until]() -> int {
      LogFilter f;
      if (!item->empty()) f.item = *item;
      if (!incident->empty()) f.incident = *incident;
      if (!action->empty()) {
        if (!IsLedgerAction(*action)) {
          return ReportError(
              Status::InvalidArgument("--action: unknown action \"" + *action + "\""));
        }
        f.action = *action;
      }
      if (Status st = TimeBounds(*since, *until, &f.since, &f.until); !st.ok()) {
        return ReportError(st);
      }
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto entries = c->Log(f);
      if (!entries.ok()) return ReportError(entries.status());
      if (g.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& e : *entries) arr.push_back(EntryJson(e));
        PrintJson(arr);
        return kExitOk;
      }
      for (const auto& e : *entries) {
        auto summary = DescribeLedgerEntry(e);
        if (!summary.ok()) return ReportError(summary.status());
        std::cout << e.seq << "  " << PrintableText(e.time) << "  " << PrintableText(e.actor)
                  << "  " << PrintableText(e.action) << "  " << PrintableText(*summary) << "\n";
      }
      return kExitOk;
    };
  });
}

void AddVerifyCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand(
      "verify", "check the whole case: objects, ledger, Merkle roots and checkpoint signatures");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto r = c->Verify();
      if (!r.ok()) return ReportError(r.status());
      if (g.json) {
        PrintJson({{"ok", r->ok()},
                   {"objects_checked", r->objects_checked},
                   {"bytes_hashed", r->bytes_hashed},
                   {"entries_checked", r->entries_checked},
                   {"checkpoints_checked", r->checkpoints_checked},
                   {"items_checked", r->items_checked},
                   {"key_fingerprint", r->key_fingerprint},
                   {"failures", r->failures},
                   {"warnings", r->warnings}});
      } else {
        for (const auto& w : r->warnings) PrintWarning(w);
        for (const auto& f : r->failures) std::cout << "FAIL  " << PrintableText(f) << "\n";
        if (!g.quiet || !r->ok()) {
          std::cout << "checked: " << r->objects_checked << " objects re-hashed ("
                    << HumanSize(r->bytes_hashed) << "), " << r->entries_checked << " entries, "
                    << r->checkpoints_checked << " checkpoints, " << r->items_checked
                    << " items checked; signing key " << PrintableText(r->key_fingerprint) << "\n";
          std::cout << (r->ok() ? "case verifies\n"
                                : "case does NOT verify: " + std::to_string(r->failures.size()) +
                                      " problem(s)\n");
        }
      }
      return r->ok() ? kExitOk : kExitNotVerified;
    };
  });
}

void AddCheckpointCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("checkpoint", "print the latest signed checkpoint");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto note = c->LatestCheckpoint();
      if (!note.ok()) return ReportError(note.status());
      if (g.json) {
        auto parsed = ParseCheckpointNote(*note);
        if (!parsed.ok()) return ReportError(parsed.status().WithContext("checkpoint"));
        PrintJson({{"origin", parsed->checkpoint.origin},
                   {"size", parsed->checkpoint.size},
                   {"root", HexEncode(parsed->checkpoint.root)},
                   {"note", *note}});
      } else {
        std::cout << PrintableText(*note, AsciiControls::kKeepNewlines);
      }
      return kExitOk;
    };
  });
}

void AddExtractCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd =
      app.add_subcommand("extract", "copy an original out (checked against its hash first)");
  auto id = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("id", *id, "exhibit id")->required();
  cmd->add_option("--to", *to, "folder to copy into")->required();
  cmd->add_flag("--force", *force, "replace a file of the same name");
  cmd->callback([&g, &run, id, to, force] {
    run = [&g, id, to, force]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status s = c->Unlock(); !s.ok()) return ReportError(s);
      auto dest = c->Extract(*id, *to, *force);
      if (!dest.ok()) {
        return ReportError(dest.status(), {{"overwrite", "", "use --force to replace it"}});
      }
      if (g.json) {
        PrintJson({{"exhibit", *id}, {"path", LossyUtf8(dest->string())}});
      } else if (!g.quiet) {
        std::cout << PrintableText(dest->string()) << "\n";
      }
      return kExitOk;
    };
  });
}

void AddKeyCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* key = app.add_subcommand("key", "the case's signing identity");
  key->require_subcommand(1);
  auto* show = key->add_subcommand("show", "key name, fingerprint and verifier key");
  show->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto pem = c->PublicKeyPem();
      auto vkey = c->VerifierKey();
      if (!pem.ok()) return ReportError(pem.status());
      if (!vkey.ok()) return ReportError(vkey.status());
      const CaseInfo& info = c->info();
      if (g.json) {
        PrintJson({{"name", info.key_name},
                   {"fingerprint", info.key_fingerprint},
                   {"vkey", *vkey},
                   {"encrypted", info.key_encrypted},
                   {"public_key_pem", *pem}});
      } else {
        std::cout << "name:        " << PrintableText(info.key_name) << "\n"
                  << "fingerprint: " << PrintableText(info.key_fingerprint) << "\n"
                  << "verifier:    " << PrintableText(*vkey) << "\n"
                  << "encrypted:   " << (info.key_encrypted ? "yes" : "no") << "\n"
                  << PrintableText(*pem, AsciiControls::kKeepNewlines);
      }
      return kExitOk;
    };
  });
  auto* exp = key->add_subcommand("export-public", "print the public key (PEM)");
  exp->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto pem = c->PublicKeyPem();
      if (!pem.ok()) return ReportError(pem.status());
      std::cout << PrintableText(*pem, AsciiControls::kKeepNewlines);
      return kExitOk;
    };
  });
}

}  // namespace

void AddCaseCommands(CLI::App& app, Globals& g, Runner& run) {
  AddInitCommand(app, g, run);
  AddAddCommand(app, g, run);
  AddListCommand(app, g, run);
  AddShowCommand(app, g, run);
  AddMessagesCommand(app, g, run);
  AddLogCommand(app, g, run);
  AddVerifyCommand(app, g, run);
  AddCheckpointCommand(app, g, run);
  AddExtractCommand(app, g, run);
  AddKeyCommand(app, g, run);
}

}  // namespace evidence::cli
