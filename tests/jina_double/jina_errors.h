// Error bodies in the shapes the real Jina API uses (contract section 5.1), made in one place:
//   structured:  {"detail": "...", "code": "AUTH_INVALID_API_KEY", "request_id": "..."}
//   validation:  {"detail": "[RID: ...] Validation errors in 2 fields", "errors": [{field, message, type, input}]}
//   legacy:      {"detail": "..."}  (402 out-of-balance of 2024)
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jina_double {

struct jina_error {
  int status = 500;
  std::string detail;
  std::string code;         // empty: no "code" key (the condition has no documented code)
  bool detail_only = false;  // legacy and framework bodies: {"detail": ...} and nothing else
};

struct validation_issue {
  std::string field;    // "body -> jina-clip-v2 -> dimensions"
  std::string message;  // pydantic's wording where known
  std::string type;     // pydantic's error type, e.g. "extra_forbidden"
  nlohmann::json input; // the offending value; null = omitted (e.g. a missing field)
};

// A whole HTTP answer: status and body (always JSON unless a fault asks otherwise).
struct http_answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

http_answer jina_error_answer(const jina_error& error, std::string_view request_id);
// Status 422.
http_answer validation_error_answer(const std::vector<validation_issue>& issues, std::string_view request_id);

// The errors the double produces itself.
jina_error error_missing_api_key();
jina_error error_invalid_key_format();
jina_error error_invalid_api_key();
jina_error error_model_not_found(std::string_view model);
jina_error error_not_found();
jina_error error_method_not_allowed();

// What a scripted fault with this status looks like (429, 402, 403, 500, 503, 504, anything else).
jina_error error_for_fault_status(int status);

// Validation messages quote inputs; a base64 image must not turn an error into megabytes.
nlohmann::json abbreviated_input(const nlohmann::json& value);

}  // namespace jina_double
