// From unit vectors to the success body of POST /v1/embeddings (contract sections 3 and 4):
// Matryoshka truncation, optional normalisation, the four encodings, usage, input order.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embedding_model.h"
#include "request_validation.h"
#include "token_counting.h"

namespace jina_double {

// With normalized:false the double returns its raw vector, which it defines as the unit vector times
// this factor: so tests can tell "not normalised" from "normalised" by the norm alone.
constexpr float unnormalised_scale = 3.7f;

// The first `dims` values; unit length when `normalized`, else scaled by unnormalised_scale.
std::vector<float> embedding_shape(const std::vector<float>& unit_full, int dims, bool normalized);

// Little-endian float32 bytes, base64 (what numpy.frombuffer(..., float32) reads on x86).
std::string embedding_to_base64(const std::vector<float>& values);

// Sign bits (value > 0 -> 1), 8 per byte, first dimension in the most significant bit; the last byte
// is padded with zero bits. ubinary: bytes 0..255; binary: byte - 128, in -128..127.
std::vector<int> embedding_to_bits(const std::vector<float>& values, bool as_signed);

nlohmann::json embedding_encode(const std::vector<float>& values, embedding_type type);

struct embedding_response {
  std::string body;
  long long tokens = 0;
};

embedding_response embedding_respond(const embedding_request& request, const embedding_model& model,
                                     const text_token_counter& count_text_tokens = text_tokens_by_bytes,
                                     const image_tiling& tiling = {});

}  // namespace jina_double
