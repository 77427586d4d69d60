#include "verifying_text.hpp"

#include <string_view>

namespace evidence::bundle_format {

namespace {

std::string Value(const VerifyingFacts& f, std::string_view name) {
  if (name == "case_uuid") return f.case_uuid;
  if (name == "case_name") return f.case_name;
  if (name == "owner") return f.owner;
  if (name == "fingerprint") return f.fingerprint;
  if (name == "archive") return f.archive;
  if (name == "top_folder") return f.top_folder;
  if (name == "tree_size") return std::to_string(f.tree_size);
  return "{{" + std::string(name) + "}}";  // not a placeholder: the text itself
}

// Drops the lines from "{{#name}}" to "{{/name}}" when `keep` is false, else only those two lines.
std::string Section(std::string text, const std::string& name, bool keep) {
  const std::string open = "{{#" + name + "}}\n", close = "{{/" + name + "}}\n";
  for (;;) {
    auto begin = text.find(open);
    if (begin == std::string::npos) return text;
    auto end = text.find(close, begin);
    if (end == std::string::npos) return text;
    if (keep) {
      text.erase(end, close.size());
      text.erase(begin, open.size());
    } else {
      text.erase(begin, end + close.size() - begin);
    }
  }
}

}  // namespace

std::string RenderVerifying(const VerifyingFacts& facts) {
  const std::string text = Section(kVerifyingTemplate, "timestamps", facts.timestamps);
  std::string out;
  out.reserve(text.size() + 256);
  for (std::size_t at = 0; at < text.size();) {
    auto open = text.find("{{", at);
    auto close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) {
      out.append(text, at, std::string::npos);
      break;
    }
    out.append(text, at, open - at);
    out += Value(facts, std::string_view(text).substr(open + 2, close - open - 2));
    at = close + 2;
  }
  return out;
}

}  // namespace evidence::bundle_format
