#include "views.hpp"

#include "evidence/incident.hpp"

namespace evidence::app {

Result<HomeView> GatherHome(const Case& c, const std::optional<VerifyOutcome>& last_check) {
  HomeView v;
  v.case_name = c.info().name;
  v.owner = c.info().owner;
  v.encrypted = c.info().encrypted;
  // Counted, not loaded: a case may hold many thousands of messages.
  auto counts = c.Counts();
  if (!counts.ok()) return counts.status();
  v.items = counts->items;
  v.incidents = counts->incidents;
  v.messages = counts->messages;
  v.calls = counts->calls;
  v.last_check = last_check;
  return v;
}

Result<VerifyOutcome> CheckNow(const Case& c) {
  auto report = c.Verify();
  if (!report.ok()) return report.status();
  return VerifyOutcome{std::chrono::system_clock::now(), std::move(report).value()};
}

}  // namespace evidence::app
