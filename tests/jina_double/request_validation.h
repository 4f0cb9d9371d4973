// Turns the body of POST /v1/embeddings into an embedding_request, or into the error the real API
// would give (contract sections 2, 5 and 10): 400 INPUT_MODEL_NOT_FOUND for another model, 422 with
// pydantic-style `errors[]` for schema violations (extra fields are forbidden), 400 for more than 2048
// items and for images the double cannot use (URLs, bad base64, undecodable, over 8 MB).
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "image_preprocess.h"
#include "jina_errors.h"
#include "token_counting.h"

namespace jina_double {

constexpr std::string_view model_name = "jina-clip-v2";
constexpr std::size_t max_input_items = 2048;
constexpr std::size_t max_image_bytes = 8u << 20;  // contract: 8 MB per image, enforced on decoded bytes

enum class embedding_type { float_array, base64, binary, ubinary };

struct input_item {
  bool is_image = false;
  std::string text;            // when !is_image
  polylens::rgb_image image;   // when is_image: decoded pixels
  std::size_t image_bytes = 0; // when is_image: size of the encoded file
};

struct embedding_request {
  std::vector<input_item> inputs;
  int dimensions = 1024;
  bool normalized = true;
  embedding_type type = embedding_type::float_array;
  bool truncate = false;
  bool query_task = false;  // task "retrieval.query": accepted, changes nothing in the double
};

// Either the request, or the complete error answer to send back.
using parse_outcome = std::variant<embedding_request, http_answer>;

parse_outcome embedding_request_parse(std::string_view body, std::string_view request_id,
                                      const text_token_counter& count_text_tokens = text_tokens_by_bytes);

}  // namespace jina_double
