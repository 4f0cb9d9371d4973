// Billing as the double reports it in `usage`. The real text count comes from the XLM-RoBERTa
// tokenizer, which the double does not have, so the text counter is pluggable and tests must never
// compare it with production numbers (contract section 8).
#pragma once
#include <functional>
#include <string_view>

namespace jina_double {

using text_token_counter = std::function<long long(std::string_view text)>;

// ceil(UTF-8 bytes / 4) + 1: roughly the real tokenizer's count for English, plus the end token.
long long text_tokens_by_bytes(std::string_view text);

// Contract section 8: the image is covered by 512x512 tiles, 4000 tokens each (w, h as received).
struct image_tiling {
  int tile_side = 512;
  long long tokens_per_tile = 4000;
};
long long image_tokens(int width, int height, const image_tiling& tiling = {});

// jina-clip-v2's text tower takes 8192 tokens; longer texts fail unless `truncate` is true.
constexpr long long max_text_tokens = 8192;

}  // namespace jina_double
