// Text in and out of the pages: a form field, every value of a repeated field, text without the
// spaces around it, the lower case the searches and filters compare in, and the short first line
// a list shows of a longer text.
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
// The first line of `text`, cut at a character boundary and ended with "..." when longer than
// `max_bytes` (the whole at most `max_bytes`), as a list of diary entries shows each account.
std::string FirstLine(std::string_view text, std::size_t max_bytes);

}  // namespace evidence::app
