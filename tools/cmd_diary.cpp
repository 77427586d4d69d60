// The incident diary: incident add/list/show/amend and link.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string_view>

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

// One linked message a line, as `messages` shows it: "EX-0001#130  2026-03-14T18:20:00  Alex:
// text".
std::string QuoteLine(const LinkedMessageQuote& q) {
  auto p = [](std::string_view s) { return PrintableText(s); };
  std::string line = p(q.item) + "#" + std::to_string(q.index) + "  ";
  if (!q.found) return line + "(not in the case; `evidence verify` names the link)";
  return line + (q.time ? p(*q.time) : "(no time)") + "  " +
         (q.sender.empty() ? "(no sender named)" : p(q.sender)) + ": " + p(q.text);
}

// Every value comes from the ledger or an export, so it is printed inert (a line break in an
// account or a message shows as \x0a rather than as a line that could pass for output).
void PrintIncident(const Incident& inc, const std::vector<LinkedMessageQuote>& quotes) {
  auto p = [](std::string_view s) { return PrintableText(s); };
  std::cout << "incident:   " << p(inc.id) << "\n"
            << "when:       " << p(inc.at) << (inc.until ? " until " + p(*inc.until) : "") << "\n"
            << "behaviours: " << p(Join(inc.behaviours)) << "\n"
            << "where:      " << (inc.where.empty() ? "-" : p(inc.where)) << "\n"
            << "witnesses:  " << (inc.witnesses.empty() ? "-" : p(Join(inc.witnesses))) << "\n"
            << "evidence:   " << (inc.items.empty() ? "-" : p(Join(inc.items))) << "\n"
            << "what:       " << p(inc.what) << "\n";
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    std::cout << (i == 0 ? "messages:   " : "            ") << QuoteLine(quotes[i]) << "\n";
  }
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

// The incident as `incident show` gives it: in text, or with --json each linked message quoted.
int ShowIncident(const Case& c, const Globals& g, std::string_view id) {
  auto inc = c.GetIncident(id);
  if (!inc.ok()) return ReportError(inc.status());
  auto quotes = c.QuoteMessages(inc->messages);
  if (!quotes.ok()) return ReportError(quotes.status());
  if (g.json) {
    PrintJson(IncidentToJson(*inc, *quotes));
  } else {
    PrintIncident(*inc, *quotes);
  }
  return kExitOk;
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
      return ShowIncident(*c, g, *id);
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

// The message numbers of --messages: "130,131" and ranges "130-135", in any mix. kInvalidArgument
// (argument "messages") for anything else, a range whose end is before its start, or more than
// kMaxLinkedMessages numbers, which no incident needs and which would only fill memory.
constexpr std::uint64_t kMaxLinkedMessages = 100000;

Result<std::uint64_t> MessageNumber(const std::string& text, const std::string& part) {
  const bool digits =
      !text.empty() && text.size() <= 19 &&
      std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (!digits) {
    return Status::InvalidArgument("\"" + part +
                                   "\" is not a message number or range (e.g. 130,131 or 130-135)")
        .AboutArgument("messages");
  }
  return std::stoull(text);
}

Result<std::vector<std::uint64_t>> ParseMessageNumbers(const std::string& list) {
  std::vector<std::uint64_t> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string part = list.substr(start, comma == std::string::npos ? comma : comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    std::size_t dash = part.find('-');
    auto first = MessageNumber(part.substr(0, dash), part);
    if (!first.ok()) return first.status();
    auto last = dash == std::string::npos ? first : MessageNumber(part.substr(dash + 1), part);
    if (!last.ok()) return last.status();
    if (*last < *first) {
      return Status::InvalidArgument("\"" + part + "\" ends before it starts")
          .AboutArgument("messages");
    }
    if (*last - *first >= kMaxLinkedMessages - out.size()) {
      return Status::InvalidArgument("more than " + std::to_string(kMaxLinkedMessages) +
                                     " messages at once")
          .AboutArgument("messages");
    }
    for (std::uint64_t n = *first; n <= *last; ++n) out.push_back(n);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "130,131,140": the numbers of `exhibit`'s messages linked to `inc`, in order.
std::string LinkedNumbers(const Incident& inc, const std::string& exhibit) {
  std::vector<std::uint64_t> numbers;
  for (const LinkedMessage& m : inc.messages) {
    if (m.item == exhibit) numbers.push_back(m.index);
  }
  std::sort(numbers.begin(), numbers.end());
  std::string out;
  for (std::uint64_t n : numbers) out += (out.empty() ? "" : ",") + std::to_string(n);
  return out;
}

// `link INCIDENT EXPORT --messages LIST`: one entry naming the messages (Case::LinkMessages).
int RunLinkMessages(const Globals& g, const std::string& id, const std::vector<std::string>& items,
                    const std::string& list) {
  if (items.size() != 1) {
    return ReportError(Status::InvalidArgument(
        "--messages: give exactly one exhibit, the export that holds the messages"));
  }
  auto numbers = ParseMessageNumbers(list);
  if (!numbers.ok()) return ReportError(numbers.status(), {{"messages", "--messages"}});
  auto c = OpenCase(g);
  if (!c.ok()) return ReportError(c.status());
  if (Status s = c->LinkMessages(id, items.front(), *numbers); !s.ok()) {
    return ReportError(s, {{"messages", "--messages"}});
  }
  if (g.json) return ShowIncident(*c, g, id);
  auto inc = c->GetIncident(id);
  if (!inc.ok()) return ReportError(inc.status());
  // The exhibit as the case spells it, whatever case the user typed it in.
  auto item = c->GetItem(items.front());
  if (!item.ok()) return ReportError(item.status());
  if (!g.quiet) {
    std::cout << PrintableText(inc->id) << ": " << PrintableText(item->exhibit) << " messages "
              << LinkedNumbers(*inc, item->exhibit) << "\n";
  }
  return kExitOk;
}

void AddLinkCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd =
      app.add_subcommand("link", "link exhibits, or messages of one export, to an incident");
  auto id = std::make_shared<std::string>();
  auto items = std::make_shared<std::vector<std::string>>();
  auto messages = std::make_shared<std::string>();
  cmd->add_option("incident", *id, "incident id")->required();
  cmd->add_option("items", *items, "exhibit ids")->required();
  cmd->add_option("--messages", *messages,
                  "link these messages of the one export given (numbers as `messages` shows "
                  "them: 130,131 or 130-135)");
  cmd->callback([&g, &run, id, items, messages, cmd] {
    run = [&g, id, items, messages, cmd]() -> int {
      if (cmd->count("--messages") > 0) return RunLinkMessages(g, *id, *items, *messages);
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status s = c->LinkItems(*id, *items); !s.ok()) return ReportError(s);
      if (g.json) return ShowIncident(*c, g, *id);
      auto inc = c->GetIncident(*id);
      if (!inc.ok()) return ReportError(inc.status());
      if (!g.quiet) {
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
