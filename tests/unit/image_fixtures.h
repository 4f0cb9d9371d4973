// Small image files made in the test itself, one per format, so nothing binary is checked in and
// every byte of a fixture is explained by the code that wrote it. Native only: WebP fixtures use
// Debian's libwebp encoder and muxer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "image_format.h"
#include "rgb_image.h"

namespace polylens::fixtures {

// A picture whose orientation shows at the corners: red top-left, green top-right, blue
// bottom-left, white bottom-right.
rgb_image quadrants(int width, int height);
rgb_image solid(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b);

std::string png(const rgb_image& image);
std::string png_rgba(int width, int height, const std::string& rgba);
std::string bmp(const rgb_image& image);
std::string jpeg(const rgb_image& image, int quality = 95);

// An Exif APP1 segment holding IFD0 with one Orientation entry, in Intel (II) or Motorola (MM)
// byte order, inserted right after SOI, where cameras write it.
std::string jpeg_with_orientation(const std::string& jpeg, int orientation, bool big_endian = false);
std::string exif_app1(int orientation, bool big_endian);

// A GIF with one frame per entry of `frames` (each width * height palette indices, below 128),
// shown for 100 ms each. Index 0 is transparent when `transparent_zero`.
struct gif_colour { std::uint8_t r, g, b; };
std::string gif(int width, int height, const std::vector<gif_colour>& palette,
                const std::vector<std::string>& frames, bool transparent_zero = false);

std::string webp_lossy(const rgb_image& image, float quality = 90);
std::string webp_lossless_rgba(int width, int height, const std::string& rgba);
// An animation on a canvas_width x canvas_height canvas: the first frame is `first` placed at
// (x, y) (both even, as WebP requires), the second fills the canvas with `second`.
std::string webp_animation(int canvas_width, int canvas_height, const rgb_image& first, int x, int y,
                           const rgb_image& second);

// The same file with its header claiming width x height, clamped to what the format's size field
// holds: 65535 for JPEG and GIF, 16383 for a lossy WebP, 16384 for a lossless one, 2^24 for the
// canvas of an extended (VP8X) one such as an animation. width and height say what was written.
struct resized_header { std::string bytes; std::int64_t width, height; };
resized_header with_claimed_size(const std::string& file, image_format format, std::int64_t width, std::int64_t height);

}  // namespace polylens::fixtures
