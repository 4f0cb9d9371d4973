// WebP through libwebp's decoder: Debian's libwebp natively, its pinned sources compiled in the
// web build (shared/libwebp_decoder.cmake). An animation gives its first frame, as a GIF does.
#pragma once
#include <cstdint>
#include <string_view>

#include "result.h"
#include "rgb_image.h"

namespace polylens {

result<rgb_image> webp_decode(std::string_view bytes, std::int64_t max_pixels);

}  // namespace polylens
