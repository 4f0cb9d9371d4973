// Document ids are content hashes, so the same image is never stored twice.
#pragma once
#include <string>
#include <string_view>

namespace polylens {

// The first 128 bits of SHA-256, as 32 lower-case hex digits.
std::string content_hash(std::string_view bytes);

}  // namespace polylens
