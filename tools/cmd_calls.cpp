// `evidence calls`: the calls parsed out of call logs (docs/messages.md, "Call logs").
#include <algorithm>
#include <array>
#include <iostream>

#include "cli.hpp"
#include "evidence/time.hpp"

namespace evidence::cli {

namespace {

constexpr std::array<std::string_view, 9> kCallTypes = {
    "incoming", "outgoing", "missed",  "voicemail",         "rejected",
    "blocked",  "recorded", "unknown", "answered-elsewhere"};

nlohmann::json CallJson(const StoredMessage& sm) {
  const Message& m = sm.message;
  const Call& c = *m.call;
  nlohmann::json atts = nlohmann::json::array();
  for (const auto& a : m.attachments)
    atts.push_back({{"name", a.name}, {"media_type", a.media_type}});
  return {{"item", sm.item},
          {"index", m.index},
          {"time", m.time ? nlohmann::json(*m.time) : nlohmann::json()},
          {"type", c.type},
          {"number", c.number},
          {"contact", c.contact},
          {"presentation", c.presentation},
          {"duration_s", c.duration_s ? nlohmann::json(*c.duration_s) : nlohmann::json()},
          {"direction", m.direction},
          {"missed", IsMissedCallType(c.type)},
          {"text", m.text},
          {"attachments", atts},
          {"extra", m.extra}};
}

std::string Party(const Call& c) {
  std::string who = !c.number.empty()         ? c.number
                    : !c.presentation.empty() ? "(" + c.presentation + ")"
                                              : "(no number)";
  if (!c.contact.empty()) who += " (" + c.contact + ")";
  return who;
}

}  // namespace

void AddCallsCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("calls", "calls parsed out of call logs");
  auto item = std::make_shared<std::string>();
  auto number = std::make_shared<std::string>();
  auto type = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  cmd->add_option("id", *item, "only the calls of this call log (exhibit id)");
  cmd->add_option("--number", *number, "only calls whose number or contact name contains this");
  cmd->add_option("--type", *type,
                  "only calls of this type: incoming, outgoing, missed (with voicemail, rejected "
                  "and blocked), voicemail, rejected, blocked, recorded");
  cmd->add_option("--since", *since, "only calls at or after this time");
  cmd->add_option("--until", *until, "only calls at or before this time");
  cmd->callback([&g, &run, item, number, type, since, until] {
    run = [&g, item, number, type, since, until]() -> int {
      CallFilter f;
      if (!item->empty()) f.item = *item;
      if (!number->empty()) f.number = *number;
      if (!type->empty()) {
        if (std::find(kCallTypes.begin(), kCallTypes.end(), *type) == kCallTypes.end()) {
          return ReportError(Status::InvalidArgument(
              "--type: unknown call type \"" + *type +
              "\" (incoming, outgoing, missed, voicemail, rejected, blocked, recorded, "
              "answered-elsewhere, unknown)"));
        }
        f.type = *type;
      }
      if (Status st = TimeBounds(*since, *until, &f.since, &f.until); !st.ok()) {
        return ReportError(st);
      }
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status st = CanonicalExhibit(*c, &f.item); !st.ok()) return ReportError(st);
      auto calls = c->Calls(f);
      if (!calls.ok()) return ReportError(calls.status());
      if (g.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& sm : *calls) arr.push_back(CallJson(sm));
        PrintJson(arr);
        return kExitOk;
      }
      for (const auto& sm : *calls) {
        const Message& m = sm.message;
        const Call& call = *m.call;
        std::cout << PrintableText(sm.item) << "#" << m.index << "  "
                  << PrintableText(m.time.value_or("(no time)")) << "  " << PrintableText(call.type)
                  << "  " << PrintableText(Party(call));
        if (call.duration_s) std::cout << "  " << *call.duration_s << " s";
        if (!m.text.empty()) std::cout << "  \"" << PrintableText(m.text) << "\"";
        for (const auto& a : m.attachments) {
          std::cout << " [attachment " << PrintableText(a.name) << "]";
        }
        std::cout << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace evidence::cli
