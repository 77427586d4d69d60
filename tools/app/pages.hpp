// One function per page: each builds the data its template (tools/app/assets/<page>.mustache)
// shows. No I/O here; views.hpp gathers what comes from the case.
#pragma once

#include <string>
#include <string_view>

#include "render.hpp"
#include "views.hpp"

namespace evidence::app {

// What the create form shows again after a refusal (never the passphrase).
struct CreateForm {
  std::string name;
  std::string owner;
  std::string exhibit_prefix = "EX";
  std::string error;
};

Page CreatePage(const CreateForm& form);
// `error`: why the last attempt failed, in words, or empty.
Page UnlockPage(std::string_view error);
Page HomePage(const HomeView& view);
// The case folder cannot be used (damaged, or a folder that is not a case): says so and what to do.
Page ProblemPage(std::string_view message);
// No session: names no case and shows nothing but how to get in.
Page ForbiddenPage();
Page NotFoundPage();
// Refused: a request from another site, a missing CSRF token, or a wrong Host.
Page RefusedPage(int status);
// After "Lock and quit".
Page LockedPage();
// The neutral page of the quick exit.
Page ByePage();

// "1 message", "3 messages": a count with its noun, as every page words one.
std::string Plural(std::size_t n, const char* one, const char* many);

// "today at 14:02" or "on 2026-12-01 at 14:02", local time.
std::string WhenChecked(std::chrono::system_clock::time_point at,
                        std::chrono::system_clock::time_point now);

}  // namespace evidence::app
