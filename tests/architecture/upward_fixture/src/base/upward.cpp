// A fixture for architecture.public_header_scan_finds_an_upward_include: base may not see case.
#include "evidence/case.hpp"
