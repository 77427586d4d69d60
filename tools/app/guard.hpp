// The checks every request passes before a page sees it, and the headers every response carries
// (docs/app.md "Safety"). Pure functions of header values, so that each rule is tested alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evidence::app {

// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "evidence_session";

// The `Host` header of a request to the app on `port`: exactly "127.0.0.1:PORT" or
// "localhost:PORT". Anything else may be a DNS-rebinding page that resolved its own name to
// 127.0.0.1, and is refused.
bool HostAllowed(std::string_view host, int port);

// The `Origin` and `Sec-Fetch-Site` of a state-changing request: an Origin of exactly
// "http://127.0.0.1:PORT" or "http://localhost:PORT", or an Origin of "null" with a
// Sec-Fetch-Site of "same-origin". The app's `Referrer-Policy: no-referrer` makes the browser
// send "null" as the Origin of its own pages' form posts and beacons (the Fetch standard's
// "serialize a request origin"); Sec-Fetch-Site, which no page can set, says whether that request
// came from the app's own origin. A sandboxed frame or another site gets "cross-site", and a
// missing Origin is refused: every browser the app supports sends one on POST.
bool OriginAllowed(std::string_view origin, std::string_view fetch_site, int port);

// The value of cookie `name` in a `Cookie` header ("a=1; b=2"), or nullopt.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// The Set-Cookie value that gives the browser the session id: HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it), Path=/, and no Max-Age (gone with the browser).
std::string SessionCookieHeader(std::string_view session_id);

// The headers of every response: a Content-Security-Policy allowing only the app's own script,
// style and images (no inline script or style, no frames), no caching, no type sniffing, no
// referrer.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

}  // namespace evidence::app
