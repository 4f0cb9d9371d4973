// Standard base64 (RFC 4648, with padding). Decoding is strict: whitespace, a data: URI prefix or a
// bad character is an error the caller can report, never silently skipped.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace polylens {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace polylens
