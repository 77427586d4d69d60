#include "pages.hpp"

#include <time.h>

#include <ctime>

namespace evidence::app {

namespace mustache = kainjow::mustache;

namespace {

mustache::data Strings(const std::vector<std::string>& items) {
  mustache::data list{mustache::data::type::list};
  for (const auto& s : items) list.push_back(mustache::data(s));
  return list;
}

}  // namespace

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string WhenChecked(std::chrono::system_clock::time_point at,
                        std::chrono::system_clock::time_point now) {
  const time_t t = std::chrono::system_clock::to_time_t(at);
  const time_t n = std::chrono::system_clock::to_time_t(now);
  tm when{};
  tm today{};
  localtime_r(&t, &when);
  localtime_r(&n, &today);
  char clock[8];
  std::strftime(clock, sizeof clock, "%H:%M", &when);
  if (when.tm_year == today.tm_year && when.tm_yday == today.tm_yday) {
    return std::string("today at ") + clock;
  }
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", &when);
  return std::string("on ") + date + " at " + clock;
}

Page CreatePage(const CreateForm& form) {
  Page p{"create"};
  p.data.set("name", form.name);
  p.data.set("owner", form.owner);
  p.data.set("exhibit_prefix", form.exhibit_prefix);
  if (!form.error.empty()) p.data.set("error", form.error);
  if (!form.error.empty()) p.status = 400;
  return p;
}

Page UnlockPage(std::string_view error) {
  Page p{"unlock"};
  if (!error.empty()) {
    p.data.set("error", std::string(error));
    p.status = 400;
  }
  return p;
}

Page HomePage(const HomeView& v) {
  Page p{"home"};
  p.data.set("case_name", v.case_name);
  p.data.set("owner", v.owner);
  p.data.set("plaintext", !v.encrypted);
  p.data.set("items", Plural(v.items, "item", "items"));
  p.data.set("incidents", Plural(v.incidents, "diary entry", "diary entries"));
  p.data.set("messages", Plural(v.messages, "message", "messages"));
  if (v.calls > 0) p.data.set("calls", Plural(v.calls, "call", "calls"));
  p.data.set("empty", v.items == 0 && v.incidents == 0);
  if (v.last_check) {
    const VerifyReport& r = v.last_check->report;
    p.data.set("checked", true);
    p.data.set("checked_when", WhenChecked(v.last_check->at, std::chrono::system_clock::now()));
    p.data.set("check_ok", r.ok());
    p.data.set("failures", Strings(r.failures));
    p.data.set("warnings", Strings(r.warnings));
    p.data.set("check_counts", Plural(r.objects_checked, "stored file", "stored files") + " and " +
                                   Plural(r.entries_checked, "record", "records") + " checked");
  }
  return p;
}

Page ProblemPage(std::string_view message) {
  Page p{"problem", mustache::data::type::object, 500};
  p.data.set("message", std::string(message));
  return p;
}

Page ForbiddenPage() { return Page{"forbidden", mustache::data::type::object, 403}; }
Page NotFoundPage() { return Page{"not_found", mustache::data::type::object, 404}; }

Page RefusedPage(int status) { return Page{"refused", mustache::data::type::object, status}; }

Page LockedPage() { return Page{"locked"}; }
Page ByePage() { return Page{"bye"}; }

}  // namespace evidence::app
