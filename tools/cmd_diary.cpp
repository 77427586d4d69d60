// The incident diary: incident add/list/show/amend and link.
#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "evidence/incident.hpp"

namespace evidence::cli {

namespace {

// The flags of `incident add` and `incident amend`, by the IncidentInput / IncidentChanges field
// they fill.
int ReportIncidentError(const Status& status) {
  return ReportError(
      status, {{"at", "--at"},
               {"until", "--until"},
               {"behaviours", "--behaviour"},
               {"what", "--what"},
               {"where", "--where"},
               {"witnesses", "--witness"},
               {"reason", "--reason"},
               {"changes", "", "give --what, --where, --witness, --at, --until or --behaviour"}});
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// --behaviour accepts a comma-separated list and may be repeated.
std::vector<std::string> SplitBehaviours(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& r : raw) {
    size_t start = 0;
    while (start <= r.size()) {
      size_t comma = r.find(',', start);
      std::string part =
          r.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

struct IncidentArgs {
  std::string at, until, what, where, reason;
  std::vector<std::string> behaviours, witnesses, items;
};

void AddIncidentOptions(CLI::App* cmd, IncidentArgs& a, bool amend) {
  auto* at =
      cmd->add_option("--at", a.at, "when it happened: 2026-03-14 18:20 or 2026-03-14T18:20+01:00");
  cmd->add_option("--until", a.until, "when it ended, if it went on");
  auto* b = cmd->add_option("--behaviour,--behavior", a.behaviours,
                            "what kind of behaviour (comma-separated or repeated; see `evidence "
                            "incident behaviours`)");
  auto* w = cmd->add_option("--what", a.what, "what happened, in your words");
  cmd->add_option("--where", a.where, "where it happened");
  cmd->add_option("--witness", a.witnesses, "someone who saw it (repeat for each)");
  if (!amend) {
    cmd->add_option("--item", a.items, "an exhibit that shows it (repeat for each)");
    at->required();
    b->required();
    w->required();
  } else {
    cmd->add_option("--reason", a.reason, "why the entry is amended (kept in the ledger)");
  }
}

// Every value comes from the ledger, so it is printed inert (a line break in an account shows as
// \x0a rather than as a line that could pass for output).
void PrintIncident(const Incident& inc) {
  auto p = [](std::string_view s) { return PrintableText(s); };
  std::cout << "incident:   " << p(inc.id) << "\n"
            << "when:       " << p(inc.at) << (inc.until ? " until " + p(*inc.until) : "") << "\n"
            << "behaviours: " << p(Join(inc.behaviours)) << "\n"
            << "where:      " << (inc.where.empty() ? "-" : p(inc.where)) << "\n"
            << "witnesses:  " << (inc.witnesses.empty() ? "-" : p(Join(inc.witnesses))) << "\n"
            << "evidence:   " << (inc.items.empty() ? "-" : p(Join(inc.items))) << "\n"
            << "what:       " << p(inc.what) << "\n";
  if (inc.versions.size() > 1) {
    std::cout << "history (the original first; nothing is ever overwritten):\n";
    for (const auto& v : inc.versions) {
      std::cout << "  entry " << v.entry_seq << "  " << p(v.recorded) << "  "
                << (v.action == "incident.recorded" ? "recorded" : "amended")
                << (v.reason.empty() ? "" : " (" + p(v.reason) + ")") << "\n"
                << "    when: " << p(v.at) << (v.until ? " until " + p(*v.until) : "") << "\n"
                << "    what: " << p(v.what) << "\n";
      if (!v.where.empty()) std::cout << "    where: " << p(v.where) << "\n";
      if (!v.witnesses.empty()) std::cout << "    witnesses: " << p(Join(v.witnesses)) << "\n";
      std::cout << "    behaviours: " << p(Join(v.behaviours)) << "\n";
    }
  }
}

void AddIncidentAddCommand(CLI::App* incident, Globals& g, Runner& run) {
  auto* cmd =
      incident->add_subcommand("add", "record what happened: when, where, what, who saw it");
  auto a = std::make_shared<IncidentArgs>();
  AddIncidentOptions(cmd, *a, false);
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      IncidentInput in;
      in.at = a->at;
      if (!a->until.empty()) in.until = a->until;
      in.behaviours = SplitBehaviours(a->behaviours);
      in.what = a->what;
      in.where = a->where;
      in.witnesses = a->witnesses;
      in.items = a->items;
      auto id = c->RecordIncident(in);
      if (!id.ok()) return ReportIncidentError(id.status());
      if (g.json) {
        auto inc = c->GetIncident(*id);
        if (!inc.ok()) return ReportError(inc.status());
        PrintJson(IncidentToJson(*inc));
      } else if (!g.quiet) {
        std::cout << *id << "\n";
      }
      return kExitOk;
    };
  });
}

void AddIncidentListCommand(CLI::App* incident, Globals& g, Runner& run) {
  auto* cmd = incident->add_subcommand("list", "the diary, in the order things happened");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto all = c->Incidents();
      if (!all.ok()) return ReportError(all.status());
      if (g.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& inc : *all) arr.push_back(IncidentToJson(inc));
        PrintJson(arr);
        return kExitOk;
      }
      for (const auto& inc : *all) {
        std::string what = inc.what.substr(0, inc.what.find('\n'));
        if (what.size() > 60) what = what.substr(0, 57) + "...";
        std::cout << PrintableText(inc.id) << "  " << PrintableText(inc.at) << "  "
                  << PrintableText(Join(inc.behaviours, ",")) << "  " << PrintableText(what)
                  << (inc.versions.size() > 1 ? "  (amended)" : "") << "\n";
      }
      return kExitOk;
    };
  });
}

void AddIncidentShowCommand(CLI::App* incident, Globals& g, Runner& run) {
  auto* cmd = incident->add_subcommand("show", "one incident with every version of its account");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "incident id, e.g. INC-0001")->required();
  cmd->callback([&g, &run, id] {
    run = [&g, id]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto inc = c->GetIncident(*id);
      if (!inc.ok()) return ReportError(inc.status());
      if (g.json) {
        PrintJson(IncidentToJson(*inc));
      } else {
        PrintIncident(*inc);
      }
      return kExitOk;
    };
  });
}

void AddIncidentAmendCommand(CLI::App* incident, Globals& g, Runner& run) {
  auto* cmd = incident->add_subcommand(
      "amend", "correct or add to an incident; the original stays in the ledger");
  auto id = std::make_shared<std::string>();
  auto a = std::make_shared<IncidentArgs>();
  cmd->add_option("id", *id, "incident id")->required();
  AddIncidentOptions(cmd, *a, true);
  cmd->callback([&g, &run, id, a, cmd] {
    run = [&g, id, a, cmd]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      IncidentChanges ch;
      if (cmd->count("--at")) ch.at = a->at;
      if (cmd->count("--until")) ch.until = a->until;
      if (cmd->count("--behaviour")) ch.behaviours = SplitBehaviours(a->behaviours);
      if (cmd->count("--what")) ch.what = a->what;
      if (cmd->count("--where")) ch.where = a->where;
      if (cmd->count("--witness")) ch.witnesses = a->witnesses;
      ch.reason = a->reason;
      if (Status s = c->AmendIncident(*id, ch); !s.ok()) return ReportIncidentError(s);
      auto inc = c->GetIncident(*id);
      if (!inc.ok()) return ReportError(inc.status());
      if (g.json) {
        PrintJson(IncidentToJson(*inc));
      } else if (!g.quiet) {
        std::cout << PrintableText(inc->id) << " amended (version " << inc->versions.size()
                  << ")\n";
      }
      return kExitOk;
    };
  });
}

// Each word with what it is for (the library's words, as the app's form shows them), the
// descriptions lined up after the longest word.
void AddIncidentBehavioursCommand(CLI::App* incident, Globals& g, Runner& run) {
  auto* cmd = incident->add_subcommand("behaviours", "list the behaviours an incident can have");
  cmd->callback([&g, &run] {
    run = [&g]() -> int {
      if (g.json) {
        nlohmann::json out = nlohmann::json::array();
        for (auto b : kBehaviours) {
          out.push_back({{"behaviour", std::string(b)},
                         {"description", std::string(BehaviourDescription(b))}});
        }
        PrintJson(out);
        return kExitOk;
      }
      std::size_t width = 0;
      for (auto b : kBehaviours) width = std::max(width, b.size());
      for (auto b : kBehaviours) {
        std::cout << b << std::string(width - b.size() + 2, ' ') << BehaviourDescription(b) << "\n";
      }
      return kExitOk;
    };
  });
}

void AddLinkCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("link", "link exhibits to an incident");
  auto id = std::make_shared<std::string>();
  auto items = std::make_shared<std::vector<std::string>>();
  cmd->add_option("incident", *id, "incident id")->required();
  cmd->add_option("items", *items, "exhibit ids")->required();
  cmd->callback([&g, &run, id, items] {
    run = [&g, id, items]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status s = c->LinkItems(*id, *items); !s.ok()) return ReportError(s);
      auto inc = c->GetIncident(*id);
      if (!inc.ok()) return ReportError(inc.status());
      if (g.json) {
        PrintJson(IncidentToJson(*inc));
      } else if (!g.quiet) {
        std::cout << PrintableText(inc->id) << ": " << PrintableText(Join(inc->items)) << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace

void AddDiaryCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* incident = app.add_subcommand("incident", "the incident diary");
  incident->require_subcommand(1);

  AddIncidentAddCommand(incident, g, run);
  AddIncidentListCommand(incident, g, run);
  AddIncidentShowCommand(incident, g, run);
  AddIncidentAmendCommand(incident, g, run);
  AddIncidentBehavioursCommand(incident, g, run);
  AddLinkCommand(app, g, run);
}

}  // namespace evidence::cli
