#include "token_counting.h"

namespace jina_double {

long long text_tokens_by_bytes(std::string_view text) { return static_cast<long long>((text.size() + 3) / 4) + 1; }

long long image_tokens(int width, int height, const image_tiling& tiling) {
  long long across = (width + tiling.tile_side - 1) / tiling.tile_side;
  long long down = (height + tiling.tile_side - 1) / tiling.tile_side;
  return across * down * tiling.tokens_per_tile;
}

}  // namespace jina_double
