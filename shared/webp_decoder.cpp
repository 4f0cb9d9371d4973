#include "webp_decoder.h"

#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>
#include <string>

namespace polylens {

namespace {

// libwebp reports failure as a VP8StatusCode; its name is what its documentation and bug reports use.
std::string status_text(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OK: return "VP8_STATUS_OK";
    case VP8_STATUS_OUT_OF_MEMORY: return "VP8_STATUS_OUT_OF_MEMORY (it ran out of memory)";
    case VP8_STATUS_INVALID_PARAM: return "VP8_STATUS_INVALID_PARAM (the sizes in the file disagree)";
    case VP8_STATUS_BITSTREAM_ERROR: return "VP8_STATUS_BITSTREAM_ERROR (the data is corrupt)";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "VP8_STATUS_UNSUPPORTED_FEATURE (a feature it does not decode)";
    // Only the incremental decoder suspends by design; Debian 12's libwebp 1.2.4 also says it when a
    // lossy file stops inside its data, where 1.6.0 says NOT_ENOUGH_DATA (seen replaying the corrupt corpus).
    case VP8_STATUS_SUSPENDED: return "VP8_STATUS_SUSPENDED (the file is truncated)";
    case VP8_STATUS_USER_ABORT: return "VP8_STATUS_USER_ABORT";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "VP8_STATUS_NOT_ENOUGH_DATA (the file is truncated)";
  }
  return "status " + std::to_string(static_cast<int>(status));
}

api_error invalid(const std::string& why) { return {error_type::invalid_image, "cannot decode the WebP: " + why}; }
api_error libwebp_error(VP8StatusCode status) { return invalid("libwebp says " + status_text(status)); }

const std::uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// Decodes one VP8/VP8L bitstream (a whole still file, or one animation frame) of exactly
// width x height into `out`, which we allocated after the size check: libwebp allocates nothing big.
result<bool> decode_into(std::string_view bitstream, int width, int height, WEBP_CSP_MODE mode, std::string& out) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config))
    return api_error{error_type::internal_error, "libwebp's headers and library disagree on its version"};
  const int channels = mode == MODE_RGBA ? 4 : 3;
  out.assign(static_cast<std::size_t>(width) * height * channels, '\0');
  config.options.use_threads = 0;
  config.output.colorspace = mode;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = reinterpret_cast<std::uint8_t*>(out.data());
  config.output.u.RGBA.stride = width * channels;
  config.output.u.RGBA.size = out.size();
  VP8StatusCode status = WebPDecode(bytes_of(bitstream), bitstream.size(), &config);
  WebPFreeDecBuffer(&config.output);  // frees nothing with external memory; the documented last call
  if (status != VP8_STATUS_OK) return libwebp_error(status);
  if (config.output.width != width || config.output.height != height)
    return invalid("a frame's bitstream is not the size its header says");
  return true;
}

result<rgb_image> decode_still(std::string_view bytes, const WebPBitstreamFeatures& f) {
  std::string pixels;
  if (!f.has_alpha) {  // straight to RGB: no second buffer
    auto done = decode_into(bytes, f.width, f.height, MODE_RGB, pixels);
    if (!done) return done.error();
    return rgb_image{f.width, f.height, std::move(pixels)};
  }
  auto done = decode_into(bytes, f.width, f.height, MODE_RGBA, pixels);
  if (!done) return done.error();
  return rgb_image_from_rgba_on_white(reinterpret_cast<const unsigned char*>(pixels.data()), f.width, f.height);
}

// The first frame as a viewer shows it: placed at its offset on the canvas, the rest of which is
// transparent (libwebp's own WebPAnimDecoder starts from transparent too), then flattened on white.
result<rgb_image> decode_first_frame(std::string_view bytes, const WebPBitstreamFeatures& f, std::int64_t max_pixels) {
  WebPData data{bytes_of(bytes), bytes.size()};
  WebPDemuxState state = WEBP_DEMUX_PARSE_ERROR;
  std::unique_ptr<WebPDemuxer, void (*)(WebPDemuxer*)> demux(WebPDemuxPartial(&data, &state), WebPDemuxDelete);
  if (!demux)
    return invalid(state == WEBP_DEMUX_PARSING_HEADER ? "its animation header is truncated"
                                                      : "libwebp's demuxer says WEBP_DEMUX_PARSE_ERROR (malformed chunks)");
  WebPIterator frame;
  if (!WebPDemuxGetFrame(demux.get(), 1, &frame)) return invalid("the animation has no complete first frame");
  std::unique_ptr<WebPIterator, void (*)(WebPIterator*)> release(&frame, WebPDemuxReleaseIterator);  // on every return
  if (!frame.complete) return invalid("its first frame is truncated");
  // The demuxer checks that frames fit the canvas; we check again before writing into ours.
  if (frame.x_offset < 0 || frame.y_offset < 0 || std::int64_t{frame.x_offset} + frame.width > f.width ||
      std::int64_t{frame.y_offset} + frame.height > f.height)
    return invalid("its first frame lies outside the canvas");
  if (auto error = rgb_image_size_error("WebP frame", frame.width, frame.height, max_pixels)) return *error;
  std::string rgba;
  auto done = decode_into({reinterpret_cast<const char*>(frame.fragment.bytes), frame.fragment.size}, frame.width,
                          frame.height, MODE_RGBA, rgba);
  if (!done) return done.error();
  rgb_image piece = rgb_image_from_rgba_on_white(reinterpret_cast<const unsigned char*>(rgba.data()), frame.width,
                                                 frame.height);
  rgb_image canvas{f.width, f.height, std::string(static_cast<std::size_t>(f.width) * f.height * 3, '\xFF')};
  const std::size_t row = static_cast<std::size_t>(frame.width) * 3;
  for (int y = 0; y < frame.height; ++y)
    canvas.pixels.replace((static_cast<std::size_t>(frame.y_offset + y) * f.width + frame.x_offset) * 3, row,
                          piece.pixels, y * row, row);
  return canvas;
}

}  // namespace

result<rgb_image> webp_decode(std::string_view bytes, std::int64_t max_pixels) {
  // The header first: the size (the canvas, for an animation) before anything is allocated.
  WebPBitstreamFeatures features;
  VP8StatusCode status = WebPGetFeatures(bytes_of(bytes), bytes.size(), &features);
  if (status != VP8_STATUS_OK) return libwebp_error(status);
  if (auto error = rgb_image_size_error("WebP", features.width, features.height, max_pixels)) return *error;
  return features.has_animation ? decode_first_frame(bytes, features, max_pixels) : decode_still(bytes, features);
}

}  // namespace polylens
