#include "views.hpp"

#include "evidence/incident.hpp"

namespace evidence::app {

Result<HomeView> GatherHome(const Case& c, const std::optional<VerifyOutcome>& last_check) {
  HomeView v;
  v.case_name = c.info().name;
  v.owner = c.info().owner;
  v.encrypted = c.info().encrypted;
  auto items = c.Items();
  if (!items.ok()) return items.status();
  v.items = items->size();
  auto incidents = c.Incidents();
  if (!incidents.ok()) return incidents.status();
  v.incidents = incidents->size();
  auto messages = c.Messages(MessageFilter{});
  if (!messages.ok()) return messages.status();
  v.messages = messages->size();
  v.last_check = last_check;
  return v;
}

Result<VerifyOutcome> CheckNow(const Case& c) {
  auto report = c.Verify();
  if (!report.ok()) return report.status();
  return VerifyOutcome{std::chrono::system_clock::now(), std::move(report).value()};
}

}  // namespace evidence::app
