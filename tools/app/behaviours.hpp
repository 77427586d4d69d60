// The diary's behaviours in plain words, for the incident form: the library holds the closed
// vocabulary (kBehaviours, evidence/incident.hpp) but not what each word is for, which
// docs/diary.md ("Behaviours") explains; this is that table, for a person choosing.
#pragma once

#include <string_view>

namespace evidence::app {

// What `behaviour` (a word of kBehaviours) is for, or "" for a word this table lacks (a test
// checks that none is missing).
std::string_view BehaviourDescription(std::string_view behaviour);

}  // namespace evidence::app
