// Strict UTF-8 (RFC 3629): the one decoder every module uses. Overlong forms, UTF-16 surrogates
// and values past U+10FFFF are ill-formed, so text that passes here is text every consumer (JSON,
// SQLite, a terminal) reads the same way. The public IsValidUtf8 and LossyUtf8 are declared in
// evidence/canonical_json.hpp and built on these.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "evidence/canonical_json.hpp"

namespace evidence {

// Decodes the code point starting at s[pos] into *cp and returns its length in bytes (1 to 4), or
// 0 when the bytes there are not well-formed UTF-8 or pos is at or past the end. *cp is left
// unchanged on 0.
std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t* cp);

// Length of the code point that ends at s[end - 1], or 0 when the bytes before `end` do not end
// a well-formed sequence.
std::size_t DecodeUtf8Backward(std::string_view s, std::size_t end, char32_t* cp);

// LossyUtf8, and *replaced (when not null) set to how many U+FFFD were put in.
std::string LossyUtf8(std::string_view s, std::size_t* replaced);

// The largest length <= max_bytes at which `s` may be cut without splitting a code point: steps
// back over continuation bytes only, so it works on text that is not valid UTF-8 too.
std::size_t Utf8CutPoint(std::string_view s, std::size_t max_bytes);

// Unicode White_Space, the same set as Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note
// uses to validate signed-note key names: agreeing with it keeps our notes readable by Go tools
// and theirs by us.
bool IsUnicodeSpace(char32_t c);

}  // namespace evidence
