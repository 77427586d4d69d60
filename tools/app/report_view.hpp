// Serving the library's HTML report (RenderReport, as `evidence report --format html` writes it)
// as a document of its own. The report is one self-contained file with an inline <style> block
// and a few style attributes, which the app's policy (style-src 'self') forbids; rather than
// 'unsafe-inline', its response allows exactly the styles it carries, by hash (docs/app.md
// "The pattern report").
#pragma once

#include <string>
#include <string_view>

namespace evidence::app {

// The Content-Security-Policy for `html`: no script, no frames, no forms, and as style only the
// sha256 of each <style> block and each style attribute value found in it.
std::string ReportPolicy(std::string_view html);

}  // namespace evidence::app
