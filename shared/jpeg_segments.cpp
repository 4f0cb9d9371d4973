#include "jpeg_segments.h"

namespace polylens {

void jpeg_segments_walk(std::string_view jpeg, const std::function<bool(const jpeg_segment&)>& visit) {
  auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(jpeg[at]); };
  if (jpeg.size() < 2 || byte(0) != 0xFF || byte(1) != 0xD8) return;
  std::size_t at = 2;
  while (at + 2 <= jpeg.size()) {
    if (byte(at) != 0xFF) return;  // not at a marker: the file is corrupt from here on
    std::uint8_t marker = byte(at + 1);
    if (marker == 0xFF) {  // fill byte before a marker (ITU T.81 B.1.1.2)
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return;  // start of scan, end of image: no more headers
    // Markers that stand alone, without a length: TEM, RSTn, SOI.
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
      at += 2;
      continue;
    }
    if (at + 4 > jpeg.size()) return;
    std::size_t length = (std::size_t{byte(at + 2)} << 8) | byte(at + 3);  // counts itself, not the marker
    if (length < 2 || length > jpeg.size() - at - 2) return;
    if (!visit(jpeg_segment{marker, jpeg.substr(at + 4, length - 2)})) return;
    at += 2 + length;
  }
}

bool jpeg_segment_is_frame_header(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

}  // namespace polylens
