// The app's templates, style sheet and script, compiled into the binary so that nothing is read
// from disk or fetched from anywhere at run time (docs/app.md "Assets").
#pragma once

#include <string_view>
#include <vector>

namespace evidence::app {

struct Asset {
  std::string_view name;          // file name, e.g. "app.css"
  std::string_view bytes;         // the file's contents
  std::string_view content_type;  // by extension; "application/octet-stream" when unknown
};

// The asset called `name`, or nullptr. Names are plain file names: no folder, no "..".
const Asset* FindAsset(std::string_view name);

// Every asset, in name order.
const std::vector<Asset>& AllAssets();

}  // namespace evidence::app
