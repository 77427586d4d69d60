// Check a bundle (docs/app.md "Check a bundle"): an officer drops a bundle on the page, it is
// streamed to a file inside the case, checked with VerifyBundle (the same call as `evidence
// verify-bundle`), shown as a checklist, and then received with Case::Receive (`evidence
// receive`).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "routes.hpp"

namespace evidence::app {

// The path of the upload, whose body the server streams to this unit instead of reading it.
inline constexpr std::string_view kCheckBundlePath = "/check-bundle";
// The largest bundle the page takes; larger ones are refused before a byte is stored.
inline constexpr std::uint64_t kMaxBundleUpload = std::uint64_t{4} << 30;

// GET /check-bundle
void CheckBundleForm(const httplib::Request& req, httplib::Response& res, AppState& st);
// POST /check-bundle, a stream route (CsrfIn::kFormField) after the server checked the Host, the
// cookie and the Origin: reads the multipart form as a stream. The form's CSRF field comes before
// the file: without a matching one nothing is stored.
void CheckBundleUpload(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader, AppState& st);
// POST /check-bundle/receive and /check-bundle/forget
void CheckBundleReceive(const httplib::Request& req, httplib::Response& res, AppState& st);
void CheckBundleForget(const httplib::Request& req, httplib::Response& res, AppState& st);

}  // namespace evidence::app
