// A bench-only WebAssembly module (never part of the site): the image pipelines that
// bench/image_pipeline.mjs times in Chromium beside the browser's own createImageBitmap + canvas path.
// Each pipeline is decode -> fit within the upload size -> JPEG encode; "product" is image_prepare itself.
#include <emscripten.h>
#include <stb_image.h>
#include <stb_image_resize2.h>

#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include "api_limits.h"
#include "image_format.h"
#include "image_preprocess.h"
#include "image_resize.h"
#include "jpeg_decoder.h"
#include "naive_resize_v1.h"
#include "png_decoder.h"
#include "stb_decoder.h"

using namespace polylens;

namespace {

constexpr int long_side = limits::upload_long_side;
constexpr int quality = limits::upload_jpeg_quality;

// ---- Decoders: pixels plus the size in the file --------------------------------------------------

// What a first port would write: stb_image to RGB, stb_image_resize v1, stb_image_write.
result<rgb_image> decode_naive(std::string_view bytes, image_size* original) {
  int w = 0, h = 0, n = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> rgb(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w, &h, &n, 3),
      stbi_image_free);
  if (!rgb) return api_error{error_type::invalid_image, stbi_failure_reason()};
  *original = {w, h};
  return rgb_image{w, h, std::string(reinterpret_cast<char*>(rgb.get()), std::size_t(w) * h * 3)};
}
// stb_image for every format, as image_decode was before png_decoder: decode to RGBA, flatten on white.
result<rgb_image> decode_stb(std::string_view bytes, image_size* original) {
  auto r = stb_decode(bytes, image_header_read(bytes).format, limits::max_image_pixels);
  if (r) *original = {r->width, r->height};
  return r;
}
// The same, straight to RGB: no alpha to flatten (right only for opaque pictures, as the bench's PNG is).
// That is the naive port's decode.
result<rgb_image> decode_stb_rgb(std::string_view bytes, image_size* original) {
  return decode_naive(bytes, original);
}
// png_decoder (libdeflate, row by row) collecting the full-size picture: its decoding without the
// row-by-row shrinking that image_prepare adds.
result<rgb_image> decode_png_full(std::string_view bytes, image_size* original) {
  auto r = png_decode(bytes, limits::max_image_pixels);
  if (r) *original = {r->width, r->height};
  return r;
}
result<rgb_image> decode_libjpeg(std::string_view bytes, image_size* original, int min_long_side,
                                 const jpeg_decode_options& options = {}) {
  return jpeg_decode_scaled(bytes, min_long_side, &original->width, &original->height, options);
}
result<rgb_image> decode_libjpeg_full(std::string_view b, image_size* o) { return decode_libjpeg(b, o, 0); }
result<rgb_image> decode_libjpeg_scaled(std::string_view b, image_size* o) { return decode_libjpeg(b, o, long_side); }
// What image_prepare does: the smallest scale covering 97% of the target (1/8 for 4000x3000: 500 px).
result<rgb_image> decode_libjpeg_scaled_97(std::string_view b, image_size* o) {
  return decode_libjpeg(b, o, jpeg_scaled_min_long_side(long_side));
}
result<rgb_image> decode_libjpeg_scaled_2x(std::string_view b, image_size* o) {
  return decode_libjpeg(b, o, 2 * long_side);
}
result<rgb_image> decode_libjpeg_scaled_ifast(std::string_view b, image_size* o) {
  return decode_libjpeg(b, o, long_side, {.fast_idct = true});
}
result<rgb_image> decode_libjpeg_scaled_plain_upsampling(std::string_view b, image_size* o) {
  return decode_libjpeg(b, o, long_side, {.fancy_upsampling = false});
}

// ---- Resizers: to the size image_prepare gives the original -------------------------------------

rgb_image fit_naive(const rgb_image& in, image_size original) {
  image_size to = image_fit_size(original.width, original.height, long_side);
  if (to.width == in.width && to.height == in.height) return in;
  rgb_image out{to.width, to.height, std::string(std::size_t(to.width) * to.height * 3, '\0')};
  naive_resize_v1_srgb(reinterpret_cast<const unsigned char*>(in.pixels.data()), in.width, in.height,
                       reinterpret_cast<unsigned char*>(out.pixels.data()), to.width, to.height, 3);
  return out;
}
// image_fit_within as it was before this branch: stb_image_resize2 alone, Mitchell in linear light.
rgb_image fit_mitchell(const rgb_image& in, image_size original) {
  image_size to = image_fit_size(original.width, original.height, long_side);
  if (to.width == in.width && to.height == in.height) return in;
  rgb_image out{to.width, to.height, std::string(std::size_t(to.width) * to.height * 3, '\0')};
  stbir_resize_uint8_srgb(reinterpret_cast<const unsigned char*>(in.pixels.data()), in.width, in.height, 0,
                          reinterpret_cast<unsigned char*>(out.pixels.data()), to.width, to.height, 0, STBIR_RGB);
  return out;
}
// What image_prepare uses: box pre-shrink when far above the target, then Mitchell.
rgb_image fit_product(const rgb_image& in, image_size original) {
  image_size to = image_fit_size(original.width, original.height, long_side);
  if (to.width == in.width && to.height == in.height) return in;
  return image_resize_srgb(in, to.width, to.height);
}

enum only_for { any_format = 0, jpeg_only = 1, png_only = 2 };
struct pipeline {
  const char* name;
  only_for only;
  result<rgb_image> (*decode)(std::string_view, image_size*);
  rgb_image (*fit)(const rgb_image&, image_size);
};
// "before" is image_prepare as it was: stb_image for every format (decoded to RGBA and flattened on
// white), then stb_image_resize2 alone. It is
// the reference of bench_psnr. "product" is image_prepare itself, timed as one call; the rows after it
// take it apart, one lever at a time.
const pipeline pipelines[] = {
    {"naive", any_format, decode_naive, fit_naive},
    {"before", any_format, decode_stb, fit_mitchell},
    {"product", any_format, nullptr, nullptr},
    {"stb + box pre-shrink", any_format, decode_stb, fit_product},
    {"stb to RGB, no alpha flatten + box pre-shrink", png_only, decode_stb_rgb, fit_product},
    {"png_decoder full size + box pre-shrink", png_only, decode_png_full, fit_product},
    {"libjpeg full size", jpeg_only, decode_libjpeg_full, fit_mitchell},
    {"libjpeg full size + box pre-shrink", jpeg_only, decode_libjpeg_full, fit_product},
    {"libjpeg scaled", jpeg_only, decode_libjpeg_scaled, fit_mitchell},
    {"libjpeg scaled to >= 97% of the target", jpeg_only, decode_libjpeg_scaled_97, fit_product},
    {"libjpeg scaled, JDCT_IFAST", jpeg_only, decode_libjpeg_scaled_ifast, fit_mitchell},
    {"libjpeg scaled, plain upsampling", jpeg_only, decode_libjpeg_scaled_plain_upsampling, fit_mitchell},
    {"libjpeg scaled to >= 2x the target", jpeg_only, decode_libjpeg_scaled_2x, fit_product},
};
constexpr int pipeline_count = sizeof pipelines / sizeof pipelines[0];
constexpr int reference_id = 1;  // "before"

std::string last_error;
double stage_ms[3];  // decode, fit, encode of the last bench_run (0 for "product")

// The pipeline's image before encoding.
result<rgb_image> fitted(int id, std::string_view bytes) {
  const pipeline& p = pipelines[id];
  if (!p.decode) return image_decode_fitted(bytes, long_side);
  image_size original;
  auto d = p.decode(bytes, &original);
  if (!d) return d.error();
  return p.fit(*d, original);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int bench_pipeline_count() { return pipeline_count; }
EMSCRIPTEN_KEEPALIVE const char* bench_pipeline_name(int id) { return pipelines[id].name; }
// 0: every image; 1: JPEGs only; 2: PNGs only.
EMSCRIPTEN_KEEPALIVE int bench_pipeline_only(int id) { return pipelines[id].only; }
EMSCRIPTEN_KEEPALIVE const char* bench_last_error() { return last_error.c_str(); }
EMSCRIPTEN_KEEPALIVE double* bench_stage_ms() { return stage_ms; }

// Runs pipeline `id` on the bytes; returns the JPEG's size, or -1 (bench_last_error says why).
EMSCRIPTEN_KEEPALIVE int bench_run(int id, const char* data, int size) {
  std::string_view bytes(data, std::size_t(size));
  stage_ms[0] = stage_ms[1] = stage_ms[2] = 0;
  const pipeline& p = pipelines[id];
  if (!p.decode) {
    auto prepared = image_prepare(bytes, long_side, quality);
    if (!prepared) return last_error = prepared.error().message, -1;
    return int(prepared->jpeg.size());
  }
  double t0 = emscripten_get_now();
  image_size original;
  auto d = p.decode(bytes, &original);
  if (!d) return last_error = d.error().message, -1;
  double t1 = emscripten_get_now();
  rgb_image f = p.fit(*d, original);
  double t2 = emscripten_get_now();
  std::string jpeg = image_encode_jpeg(f, quality);
  double t3 = emscripten_get_now();
  stage_ms[0] = t1 - t0, stage_ms[1] = t2 - t1, stage_ms[2] = t3 - t2;
  return int(jpeg.size());
}

// PSNR (dB, over R, G and B) of pipeline `id`'s 512-px image, before JPEG encoding, against the
// reference "before": a full-size stb_image decode shrunk by stb_image_resize2 alone (Mitchell, in
// linear light). Infinity when identical; -1 when either fails or the sizes differ.
EMSCRIPTEN_KEEPALIVE double bench_psnr(int id, const char* data, int size) {
  std::string_view bytes(data, std::size_t(size));
  auto a = fitted(id, bytes);
  auto b = fitted(reference_id, bytes);
  if (!a || !b || a->width != b->width || a->height != b->height) return -1;
  double sum = 0;
  for (std::size_t i = 0; i < a->pixels.size(); ++i) {
    double e = double(uint8_t(a->pixels[i])) - double(uint8_t(b->pixels[i]));
    sum += e * e;
  }
  double mse = sum / double(a->pixels.size());
  return mse == 0 ? INFINITY : 10 * std::log10(255.0 * 255.0 / mse);
}

}  // extern "C"
