#include "embedding_output.h"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "base64.h"
#include "matryoshka.h"

namespace jina_double {

std::vector<float> embedding_shape(const std::vector<float>& unit_full, int dims, bool normalized) {
  if (normalized) return polylens::matryoshka_truncate(unit_full, dims);
  std::vector<float> out(unit_full.begin(), unit_full.begin() + std::min<std::ptrdiff_t>(dims, unit_full.size()));
  for (float& v : out) v *= unnormalised_scale;
  return out;
}

std::string embedding_to_base64(const std::vector<float>& values) {
  std::string bytes;
  bytes.reserve(values.size() * 4);
  for (float v : values) {
    auto bits = std::bit_cast<std::uint32_t>(v);
    for (int shift = 0; shift < 32; shift += 8) bytes += static_cast<char>((bits >> shift) & 0xff);
  }
  return polylens::base64_encode(bytes);
}

std::vector<int> embedding_to_bits(const std::vector<float>& values, bool as_signed) {
  std::vector<int> out((values.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] > 0) out[i / 8] |= 0x80 >> (i % 8);
  if (as_signed)
    for (int& b : out) b -= 128;
  return out;
}

nlohmann::json embedding_encode(const std::vector<float>& values, embedding_type type) {
  switch (type) {
    case embedding_type::base64: return embedding_to_base64(values);
    case embedding_type::binary: return embedding_to_bits(values, true);
    case embedding_type::ubinary: return embedding_to_bits(values, false);
    case embedding_type::float_array: break;
  }
  return values;
}

embedding_response embedding_respond(const embedding_request& request, const embedding_model& model,
                                     const text_token_counter& count_text_tokens, const image_tiling& tiling) {
  embedding_response out;
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    const input_item& item = request.inputs[i];
    std::vector<float> unit;
    if (item.is_image) {
      unit = model.embed_image(item.image).vector;
      out.tokens += image_tokens(item.image.width, item.image.height, tiling);
    } else {
      unit = model.embed_text(item.text);
      long long tokens = count_text_tokens(item.text);
      out.tokens += request.truncate ? std::min(tokens, max_text_tokens) : tokens;
    }
    nlohmann::ordered_json entry;
    entry["object"] = "embedding";
    entry["index"] = i;
    entry["embedding"] = nlohmann::ordered_json(
        embedding_encode(embedding_shape(unit, request.dimensions, request.normalized), request.type));
    data.push_back(std::move(entry));
  }
  // Key order as in real responses (contract section 4); clients must not depend on it.
  nlohmann::ordered_json body;
  body["model"] = model_name;
  body["object"] = "list";
  body["usage"]["total_tokens"] = out.tokens;
  body["usage"]["prompt_tokens"] = out.tokens;
  body["data"] = std::move(data);
  out.body = body.dump();
  return out;
}

}  // namespace jina_double
