// Walks the marker segments at the head of a JPEG file (APPn, DQT, SOFn, ...), up to the first scan.
// EXIF and the frame size live there; the entropy-coded data after SOS is never read. Every length
// is checked against the bytes actually present, so a corrupt file just ends the walk early.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace polylens {

struct jpeg_segment {
  std::uint8_t marker = 0;   // the byte after 0xFF, e.g. 0xE1 for APP1, 0xC0 for SOF0
  std::string_view payload;  // the bytes after the 2-byte length field
};

// Calls visit for each segment in file order until it returns false, the first scan starts, the
// image ends, or the bytes stop making sense. Does nothing if the bytes do not start with SOI.
void jpeg_segments_walk(std::string_view jpeg, const std::function<bool(const jpeg_segment&)>& visit);

// SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
bool jpeg_segment_is_frame_header(std::uint8_t marker);

}  // namespace polylens
