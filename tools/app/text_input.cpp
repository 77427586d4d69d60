#include "text_input.hpp"

#include <algorithm>

namespace evidence::app {

std::string Field(const httplib::Request& req, const std::string& name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

std::vector<std::string> Fields(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < req.get_param_value_count(name); ++i) {
    out.push_back(req.get_param_value(name, i));
  }
  return out;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) {
    return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  });
  return out;
}

std::string FirstLine(std::string_view text, std::size_t max_bytes) {
  std::string s(text.substr(0, text.find('\n')));
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes >= 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

}  // namespace evidence::app
