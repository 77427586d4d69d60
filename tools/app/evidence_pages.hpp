// The Evidence list, the item page and the Custody log: each builds the data its template
// (assets/evidence.mustache, item.mustache, custody.mustache) shows. No I/O here.
#pragma once

#include <string_view>
#include <vector>

#include "evidence_views.hpp"
#include "render.hpp"

namespace evidence::app {

Page EvidencePage(const EvidenceList& list);
Page ItemPage(const ItemView& view);
// `query`: the search text, shown again in the box.
Page CustodyPage(const std::vector<CustodyLine>& lines, std::string_view query);

}  // namespace evidence::app
