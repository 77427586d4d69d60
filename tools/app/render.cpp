#include "render.hpp"

#include "assets.hpp"

namespace evidence::app {

namespace {

std::string TemplateText(std::string_view name) {
  const Asset* a = FindAsset(std::string(name) + ".mustache");
  return a ? std::string(a->bytes) : std::string();
}

// The nav link each page belongs under: the page the link opens is the current page
// (aria-current="page"); a page reached from it, such as an item from the Evidence list, is in
// that link's part of the app (aria-current="true"). A page not listed marks nothing.
struct NavPlace {
  std::string_view template_name;
  std::string_view href;
  bool current_page;
};
constexpr NavPlace kNavPlaces[] = {
    {"home", "/", true},
    {"evidence", "/evidence", true},
    {"item", "/evidence", false},
    {"custody", "/custody", true},
    {"diary", "/diary", true},
    {"incident", "/diary", false},
    {"incident_new", "/diary", false},
    {"incident_amend", "/diary", false},
    {"report", "/diary", false},
    {"add", "/add", true},
    {"messages", "/messages", true},
    {"conversation", "/messages", false},
    {"not_linked", "/messages", false},
    {"handover", "/handover", true},
    {"handover_done", "/handover", false},
    {"check_bundle", "/check-bundle", true},
    {"check_result", "/check-bundle", false},
    {"check_received", "/check-bundle", false},
};

// Adds aria-current to the layout's nav link for `template_name`. The layout is our own markup,
// and the nav comes before the page's body, so what is searched holds nothing of the case.
void MarkCurrentNavLink(std::string_view template_name, std::string* html) {
  const std::size_t nav = html->find("<nav class=\"nav\"");
  if (nav == std::string::npos) return;
  const std::size_t nav_end = html->find("</nav>", nav);
  for (const NavPlace& place : kNavPlaces) {
    if (place.template_name != template_name) continue;
    const std::string link = "<a href=\"" + std::string(place.href) + "\"";
    const std::size_t at = html->find(link, nav);
    if (at == std::string::npos || at > nav_end) return;
    html->insert(at + link.size(),
                 place.current_page ? " aria-current=\"page\"" : " aria-current=\"true\"");
    return;
  }
}

}  // namespace

std::string Render(const Page& page, std::string_view csrf, bool unlocked) {
  kainjow::mustache::data data = page.data;
  if (!csrf.empty()) data.set("csrf", std::string(csrf));
  // The case's pages are links only once a case is open: before, each would lead back here.
  data.set("unlocked", unlocked);
  data.set("body", TemplateText(page.template_name));
  kainjow::mustache::mustache layout(TemplateText("layout"));
  // The templates are part of the binary and tested; an error here is a bug, shown as such
  // rather than as a blank page.
  if (!layout.is_valid()) return "template error: " + layout.error_message();
  std::string html = layout.render(data);
  if (!layout.is_valid()) return "template error: " + layout.error_message();
  MarkCurrentNavLink(page.template_name, &html);
  return html;
}

}  // namespace evidence::app
