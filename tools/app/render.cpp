#include "render.hpp"

#include "assets.hpp"

namespace evidence::app {

namespace {

std::string TemplateText(std::string_view name) {
  const Asset* a = FindAsset(std::string(name) + ".mustache");
  return a ? std::string(a->bytes) : std::string();
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
  return html;
}

}  // namespace evidence::app
