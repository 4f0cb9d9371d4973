// PNG to 8-bit RGB, row by row. libdeflate inflates all of the image data at once (it is about twice
// as fast as stb_image's inflate); then each row is unfiltered, turned into RGB (16-bit samples keep
// their high byte, alpha is flattened on white, as stb_image and rgb_image_from_rgba_on_white do) and
// handed to a sink while it is still in cache. A sink that shrinks the picture (image_fit_rows) never
// holds it at full size. Every colour type, bit depth and Adam7 interlacing; CgBI (Apple's private
// variant) is refused, as browsers refuse it.
#pragma once
#include <cstdint>
#include <string_view>

#include "result.h"
#include "rgb_image.h"

namespace polylens {

// Checks the size the header claims against max_pixels (each side, then the product) before
// anything is allocated; then calls sink.begin once and sink.row once per row, top to bottom. The
// error names the PNG and says what is wrong with it; rows already handed over are then meaningless.
result<bool> png_decode_rows(std::string_view bytes, std::int64_t max_pixels, image_row_sink& sink);

// The whole picture.
result<rgb_image> png_decode(std::string_view bytes, std::int64_t max_pixels);

}  // namespace polylens
