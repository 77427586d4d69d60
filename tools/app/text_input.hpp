// What the person typed, as the handlers read it: a form field, every value of a repeated field,
// text without the spaces around it, and the lower case the searches and filters compare in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

namespace evidence::app {

// The field's value, or "" when the form did not send it.
std::string Field(const httplib::Request& req, const std::string& name);
// Every value of a field sent more than once (ticked boxes), in the order sent.
std::vector<std::string> Fields(const httplib::Request& req, const std::string& name);
// `s` without the spaces, tabs and line ends around it.
std::string Trim(std::string s);
// ASCII letters in lower case; other bytes (UTF-8 included) unchanged, so that a search is
// case-insensitive for the words of the pages' language without a locale.
std::string Lower(std::string_view s);

}  // namespace evidence::app
