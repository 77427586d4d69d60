#include "guard.hpp"

namespace evidence::app {

namespace {

bool IsLoopbackAuthority(std::string_view authority, int port) {
  const std::string suffix = ":" + std::to_string(port);
  return authority == "127.0.0.1" + suffix || authority == "localhost" + suffix;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool HostAllowed(std::string_view host, int port) { return IsLoopbackAuthority(host, port); }

bool OriginAllowed(std::string_view origin, std::string_view fetch_site, int port) {
  if (origin == "null") return fetch_site == "same-origin";
  constexpr std::string_view kScheme = "http://";
  if (!origin.starts_with(kScheme)) return false;
  origin.remove_prefix(kScheme.size());
  return IsLoopbackAuthority(origin, port);
}

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, end));
    cookie_header =
        end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(pair.substr(0, eq)) == name) return std::string(Trim(pair.substr(eq + 1)));
  }
  return std::nullopt;
}

std::string SessionCookieHeader(std::string_view session_id) {
  return std::string(kSessionCookie) + "=" + std::string(session_id) +
         "; HttpOnly; SameSite=Strict; Path=/";
}

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'"},
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      // For browsers that predate frame-ancestors.
      {"X-Frame-Options", "DENY"},
  };
  return headers;
}

}  // namespace evidence::app
