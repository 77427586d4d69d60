// The app's routing table: every path it answers, who may ask (anyone, or the session), and the
// handler. A new page is one more row (docs/app.md "Adding a page").
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "render.hpp"
#include "session.hpp"

namespace evidence::app {

// What a handler works with. The server serialises requests, so handlers use it freely.
struct AppState {
  Session& session;
  std::filesystem::path case_dir;
  // Ends the app once the current response is sent ("Lock and quit").
  std::function<void()> quit;
  // The largest file one upload may bring (evidence app --max-upload-mib).
  std::uint64_t max_upload = 0;
};

enum class Access {
  // Holds nothing of the case: the assets and the neutral quick-exit page. Its handler runs
  // without the session lock and must not touch AppState.
  kPublic,
  kSession,  // needs the session cookie; a POST also the CSRF token and a same Origin
};

struct Route {
  std::string method;  // "GET" or "POST"; GET never changes anything
  std::string path;    // exact, or a prefix when it ends with '/'
  Access access;
  std::function<void(const httplib::Request&, httplib::Response&, AppState&)> handle;
};

const std::vector<Route>& AppRoutes();

// Where a stream route's CSRF token comes from.
enum class CsrfIn {
  // The X-CSRF-Token header, checked with the Host, cookie and Origin before any of the body is
  // read (the Add evidence page's script sends it).
  kHeader,
  // The form's `csrf` field, which the form sends before its file: the handler checks it
  // (Session::CsrfMatches) before it stores a byte, so that a plain HTML form works without script.
  kFormField,
};

// A POST whose body its handler reads as it arrives (an upload), instead of the server reading it
// whole first. Always Access::kSession: the Host, cookie and Origin are checked before any of the
// body is read, and the CSRF token as `csrf` says.
struct StreamRoute {
  std::string path;  // exact
  std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&,
                     AppState&)>
      handle;
  CsrfIn csrf = CsrfIn::kHeader;
};

const std::vector<StreamRoute>& AppStreamRoutes();
// The stream route for a POST to `path`, or nullptr.
const StreamRoute* FindStreamRoute(std::string_view path);
// The route for `method` and `path`, or nullptr.
const Route* FindRoute(std::string_view method, std::string_view path);

// Sends `page` as HTML; `state` gives the layout its CSRF token (nullptr for a public page).
void SendPage(httplib::Response& res, const Page& page, const AppState* state);
// 303 See Other to `to`: after a POST, so that reloading does not repeat it.
void SeeOther(httplib::Response& res, const std::string& to);
// Reads what is left of a refused request's body and throws it away, as httplib does with a body
// over its own limit, so that the client gets the answer rather than a broken connection.
void Drain(const httplib::Request& req, const httplib::ContentReader& reader);

}  // namespace evidence::app
