// Turns a page (a template name and its data) into HTML inside the common layout.
#pragma once

#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

namespace evidence::app {

struct Page {
  std::string_view template_name;  // tools/app/assets/<name>.mustache
  kainjow::mustache::data data = kainjow::mustache::data::type::object;
  int status = 200;
};

// The page's template rendered inside layout.mustache. `csrf` is the session's CSRF token for the
// layout's forms (the quick exit), empty for a request without a session. Every value is
// HTML-escaped by `{{name}}`; the templates never use the unescaped forms (a test checks).
// `unlocked`: a case is open, so the layout links to its pages.
std::string Render(const Page& page, std::string_view csrf, bool unlocked);

}  // namespace evidence::app
