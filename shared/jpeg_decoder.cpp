#include "jpeg_decoder.h"

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstdio>  // jpeglib.h uses FILE and size_t without including anything
#include <cstring>
#include <string>

#include <jpeglib.h>
#include <jerror.h>

#include "api_limits.h"

namespace polylens {

namespace {

// ---- Errors: libjpeg's error_exit must not return -------------------------------------------------
// It jumps back to the guarded step that was running. Every guarded step below is a function whose
// locals are all trivially destructible and that calls only C code, so the jump skips no destructor
// (which would be undefined behaviour). The std::string holding the pixels is made between steps,
// never inside one. libjpeg frees its own memory in jpeg_destroy_decompress, whatever happened.

// Progressive JPEGs can carry thousands of tiny scans, each a full pass over the coefficients: a
// small file that takes minutes. libjpeg-turbo's djpeg and TurboJPEG offer the same kind of cap.
constexpr int max_scans = 500;

struct error_manager {
  jpeg_error_mgr base;  // first: libjpeg hands back a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX + 64];  // libjpeg's message and what it means for us
};

struct session {
  jpeg_decompress_struct cinfo;
  error_manager err;
  jpeg_progress_mgr progress;
};

// Keeps the whole message for the caller (jpeg_decode_scaled returns it as it is) and jumps back.
[[noreturn]] void fail_with(j_common_ptr cinfo, const char* what, const char* detail) {
  auto* err = reinterpret_cast<error_manager*>(cinfo->err);
  std::snprintf(err->message, sizeof err->message, "%s: %s", what, detail);
  std::longjmp(err->jump, 1);
}

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  char message[JMSG_LENGTH_MAX];
  cinfo->err->format_message(cinfo, message);
  // The end of the data is the commonest failure (an upload cut short): say so in plain words.
  bool truncated = cinfo->err->msg_code == JWRN_JPEG_EOF;
  fail_with(cinfo, truncated ? "the JPEG is truncated" : "cannot decode the JPEG", message);
}

// libjpeg only warns about missing or corrupt entropy-coded data and fills the gap with grey. An
// image with missing pixels is not what the person dropped, so these warnings are errors here.
// Other warnings (extraneous bytes before a marker, a bad ICC chunk, ...) leave the pixels intact.
bool warning_loses_pixels(int code) {
  switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
      return true;
    default:
      return false;
  }
}

void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages: libjpeg's default would print them
  if (warning_loses_pixels(cinfo->err->msg_code)) on_error_exit(cinfo);
  cinfo->err->num_warnings++;
}

void on_progress(j_common_ptr cinfo) {
  if (reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number <= max_scans) return;
  char message[JMSG_LENGTH_MAX];
  std::snprintf(message, sizeof message, "it has more than %d scans", max_scans);
  fail_with(cinfo, "cannot decode the JPEG", message);
}

// ---- The guarded steps ----------------------------------------------------------------------------

bool guarded_read_header(session& s, const unsigned char* data, unsigned long size) {
  if (setjmp(s.err.jump)) return false;
  jpeg_create_decompress(&s.cinfo);
  s.cinfo.progress = &s.progress;
  jpeg_mem_src(&s.cinfo, data, size);
  jpeg_read_header(&s.cinfo, TRUE);
  return true;
}

// Picks the smallest M/8 whose long side is still >= min_long_side (8/8 when none is) and sets the
// output colour space and decoding options. Allocates nothing the size of the image.
bool guarded_choose_output(session& s, int min_long_side, const jpeg_decode_options& options) {
  if (setjmp(s.err.jump)) return false;
  jpeg_decompress_struct& c = s.cinfo;
  bool cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
  c.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // grey, YCbCr and RGB files all convert to RGB
  c.dct_method = options.fast_idct ? JDCT_IFAST : JDCT_ISLOW;
  c.do_fancy_upsampling = options.fancy_upsampling ? TRUE : FALSE;
  c.scale_denom = 8;
  c.scale_num = 8;
  if (min_long_side > 0) {
    for (unsigned int m = 1; m <= 8; ++m) {
      c.scale_num = m;
      jpeg_calc_output_dimensions(&c);
      if (std::max(c.output_width, c.output_height) >= static_cast<JDIMENSION>(min_long_side)) break;
    }
  }
  jpeg_calc_output_dimensions(&c);
  return true;
}

// Adobe's CMYK JPEGs store inverted ink (255 = no ink); others store it as is.
void cmyk_row_to_rgb(const JSAMPLE* cmyk, unsigned char* rgb, JDIMENSION width, bool inverted) {
  for (JDIMENSION x = 0; x < width; ++x, cmyk += 4, rgb += 3) {
    int k = inverted ? cmyk[3] : 255 - cmyk[3];
    for (int i = 0; i < 3; ++i) {
      int c = inverted ? cmyk[i] : 255 - cmyk[i];
      rgb[i] = static_cast<unsigned char>((c * k + 127) / 255);
    }
  }
}

bool guarded_decode(session& s, unsigned char* pixels) {
  if (setjmp(s.err.jump)) return false;
  jpeg_decompress_struct& c = s.cinfo;
  jpeg_start_decompress(&c);
  const std::size_t stride = std::size_t(c.output_width) * 3;
  if (c.out_color_space == JCS_CMYK) {
    JSAMPARRAY row = (*c.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&c), JPOOL_IMAGE, c.output_width * 4, 1);
    while (c.output_scanline < c.output_height) {
      unsigned char* out = pixels + stride * c.output_scanline;
      if (jpeg_read_scanlines(&c, row, 1) != 1)
        fail_with(reinterpret_cast<j_common_ptr>(&c), "cannot decode the JPEG", "the data stopped early");
      cmyk_row_to_rgb(row[0], out, c.output_width, c.saw_Adobe_marker);
    }
  } else {
    constexpr JDIMENSION batch = 16;  // libjpeg hands out at most one iMCU row (<= 16 lines) per call
    JSAMPROW rows[batch];
    while (c.output_scanline < c.output_height) {
      JDIMENSION n = std::min(batch, c.output_height - c.output_scanline);
      for (JDIMENSION i = 0; i < n; ++i) rows[i] = pixels + stride * (c.output_scanline + i);
      if (jpeg_read_scanlines(&c, rows, n) == 0)
        fail_with(reinterpret_cast<j_common_ptr>(&c), "cannot decode the JPEG", "the data stopped early");
    }
  }
  jpeg_finish_decompress(&c);  // reads up to the end-of-image marker: a file cut there is an error too
  return true;
}

// Owns the session for the C++ side: jpeg_destroy_decompress runs on every path out.
class decoder {
 public:
  decoder() {
    std::memset(&s_, 0, sizeof s_);
    s_.cinfo.err = jpeg_std_error(&s_.err.base);
    s_.err.base.error_exit = on_error_exit;
    s_.err.base.emit_message = on_emit_message;
    s_.progress.progress_monitor = on_progress;
  }
  ~decoder() { jpeg_destroy_decompress(&s_.cinfo); }
  decoder(const decoder&) = delete;
  decoder& operator=(const decoder&) = delete;

  session& state() { return s_; }
  api_error error() const { return {error_type::invalid_image, s_.err.message}; }

 private:
  session s_;
};

}  // namespace

bool jpeg_has_signature(std::string_view bytes) {
  return bytes.size() >= 3 && uint8_t(bytes[0]) == 0xFF && uint8_t(bytes[1]) == 0xD8 && uint8_t(bytes[2]) == 0xFF;
}

result<rgb_image> jpeg_decode_scaled(std::string_view bytes, int min_long_side, int* original_width,
                                     int* original_height, const jpeg_decode_options& options) {
  if (bytes.empty()) return api_error{error_type::invalid_image, "the image is empty"};
  if (bytes.size() > limits::max_image_bytes)
    return api_error{error_type::payload_too_large, "the image is " + std::to_string(bytes.size()) +
                                                        " bytes; the limit is " +
                                                        std::to_string(limits::max_image_bytes)};
  decoder d;
  session& s = d.state();
  if (!guarded_read_header(s, reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<unsigned long>(bytes.size())))
    return d.error();
  const long long width = s.cinfo.image_width, height = s.cinfo.image_height;
  if (original_width) *original_width = static_cast<int>(width);
  if (original_height) *original_height = static_cast<int>(height);
  if (width * height > limits::max_image_pixels)
    return api_error{error_type::payload_too_large, "the image is " + std::to_string(width) + "x" +
                                                        std::to_string(height) + " pixels; the limit is " +
                                                        std::to_string(limits::max_image_pixels) + " pixels"};
  if (!guarded_choose_output(s, min_long_side, options)) return d.error();
  rgb_image out{static_cast<int>(s.cinfo.output_width), static_cast<int>(s.cinfo.output_height), {}};
  out.pixels.resize(std::size_t(out.width) * out.height * 3);
  if (!guarded_decode(s, reinterpret_cast<unsigned char*>(out.pixels.data()))) return d.error();
  return out;
}

}  // namespace polylens
