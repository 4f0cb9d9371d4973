// Limits shared by the proxy (which enforces them) and the web client (which respects them before
// uploading). Changing one here changes both sides.
#pragma once
#include <cstddef>

namespace polylens::limits {

constexpr int full_dims = 1024;        // jina-clip-v2's output size
constexpr int min_dims = 64;           // smallest Matryoshka size Jina recommends for this model
constexpr int min_k = 1;
constexpr int max_k = 100;
constexpr int default_k = 12;
constexpr std::size_t max_query_text_bytes = 2048;
constexpr std::size_t max_request_body_bytes = 12u << 20;   // base64 of an 8 MiB image, plus JSON
constexpr std::size_t max_image_bytes = 8u << 20;           // Jina's documented per-image cap
constexpr int max_image_pixels = 50'000'000;                // checked before decoding allocates
constexpr int upload_long_side = 512;  // jina-clip-v2 sees 512x512: more pixels only cost tokens
constexpr int thumbnail_long_side = 256;
constexpr int upload_jpeg_quality = 90;
constexpr int thumbnail_jpeg_quality = 80;
// Inputs per /api/v1/embed call and images per /api/v1/images call, unless --max-batch-size says
// otherwise (/healthz tells clients the value in force).
constexpr int default_max_batch_size = 16;
// A client sending shrunk images keeps each /api/v1/images body under this, well inside
// max_request_body_bytes (a noisy 512 px JPEG at upload quality is rarely over 200 KB).
constexpr std::size_t upload_batch_body_budget = 8u << 20;

}  // namespace polylens::limits
