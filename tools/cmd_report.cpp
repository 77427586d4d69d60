// `evidence report`: the timeline and pattern report of the case or of a window.
#include <fstream>
#include <iostream>

#include "cli.hpp"
#include "evidence/report.hpp"

namespace evidence::cli {

void AddReportCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("report", "timeline and pattern report (html, md or json)");
  auto format = std::make_shared<std::string>("html");
  auto out = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("--format", *format, "html (default), md or json");
  cmd->add_option("--out", *out, "write to this file instead of stdout");
  cmd->add_option("--since", *since, "only what happened at or after this time");
  cmd->add_option("--until", *until, "only what happened at or before this time");
  cmd->add_flag("--force", *force, "replace an existing --out file");
  cmd->callback([&g, &run, format, out, since, until, force] {
    run = [&g, format, out, since, until, force]() -> int {
      auto fmt = ParseReportFormat(*format);
      if (!fmt.ok()) return ReportError(fmt.status().WithContext("--format"));
      std::optional<std::string> lo, hi;
      if (!since->empty()) {
        auto t = TimeBound(*since, false);
        if (!t.ok()) return ReportError(t.status().WithContext("--since"));
        lo = *t;
      }
      if (!until->empty()) {
        auto t = TimeBound(*until, true);
        if (!t.ok()) return ReportError(t.status().WithContext("--until"));
        hi = *t;
      }
      if (!out->empty() && fs::exists(*out) && !*force) {
        return ReportError(Status::AlreadyExists(*out + ": exists (use --force to replace it)"));
      }
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto data = c->GatherReport(lo, hi);
      if (!data.ok()) return ReportError(data.status());
      auto text = RenderReport(*data, *fmt);
      if (!text.ok()) return ReportError(text.status());
      if (out->empty()) {
        std::cout << *text;
        return kExitOk;
      }
      // The report may hold evidence text: written where the user asked, nowhere else.
      std::ofstream f(*out, std::ios::binary | std::ios::trunc);
      f << *text;
      f.close();
      if (!f) return ReportError(Status::IoError(*out + ": cannot write the report"));
      if (!g.quiet) std::cerr << "evidence: report written to " << PrintableText(*out) << "\n";
      return kExitOk;
    };
  });
}

}  // namespace evidence::cli
