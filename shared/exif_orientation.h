// EXIF orientation: phones store a portrait photo as a landscape sensor readout plus a tag (0x0112,
// values 1..8) telling viewers how to turn it. Browsers honour the tag, so a photo that looks upright
// on a web page must come out of image_decode upright too, or the embedding sees it sideways.
#pragma once
#include <string_view>

#include "rgb_image.h"

namespace polylens {

// The Orientation tag of a JPEG's APP1 Exif segment (IFD0), or 1 (as stored) when there is none or
// anything about it is malformed. Never reads outside `jpeg`.
int exif_orientation_read(std::string_view jpeg);

// Turns an image stored with EXIF orientation 1..8 upright: 2..4 flip or rotate by 180 degrees,
// 5..8 also swap width and height. Any other value leaves the image as it is.
rgb_image exif_orientation_apply(rgb_image image, int orientation);

}  // namespace polylens
