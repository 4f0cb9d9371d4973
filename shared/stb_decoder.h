// JPEG, PNG, GIF (first frame) and BMP through stb_image, the decoder built into both builds. image_decode
// sends it GIFs, BMPs and JPEGs; PNGs go to png_decoder.h, and stb_image's PNG decoder stays only as the
// reference the tests and bench/image_pipeline compare against.
#pragma once
#include <cstdint>
#include <string_view>

#include "image_format.h"
#include "result.h"
#include "rgb_image.h"

namespace polylens {

// bytes must be at most INT_MAX long (stb's limit; image_decode caps input far below it).
result<rgb_image> stb_decode(std::string_view bytes, image_format format, std::int64_t max_pixels);

}  // namespace polylens
