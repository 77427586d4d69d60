// The promises every message parser makes about what it delivers (include/evidence/messages.hpp),
// checked on each message a fuzz target receives.
#pragma once

#include <exception>
#include <string>

#include "evidence/messages.hpp"
#include "fuzz_support.hpp"
#include "messages_internal.hpp"

namespace evidence::fuzz {

inline void CheckUtf8(const std::string& text, const char* what) {
  if (evidence::LossyUtf8(text) != text) Fail(std::string(what) + " is not valid UTF-8");
}

// Text, sender and attachment names are valid UTF-8, and the message serialises to JSON without
// throwing (the case stores it as JSON).
inline Status CheckMessage(const Message& m) {
  CheckUtf8(m.text, "message text");
  CheckUtf8(m.sender, "message sender");
  for (const auto& r : m.recipients) CheckUtf8(r, "message recipient");
  for (const auto& a : m.attachments) CheckUtf8(a.name, "attachment name");
  if (m.time) CheckUtf8(*m.time, "message time");
  for (const auto& [key, value] : m.extra.items()) {
    try {
      (void)value.dump();
    } catch (const std::exception& e) {
      Fail("extra field \"" + key + "\" does not serialise: " + e.what());
    }
  }
  return Status::Ok();
}

inline void CheckSummary(const ExportSummary& summary) {
  (void)summary.fields.dump();
  for (const auto& w : summary.warnings) CheckUtf8(w, "summary warning");
}

}  // namespace evidence::fuzz
