#include "jina_errors.h"

namespace jina_double {

http_answer jina_error_answer(const jina_error& error, std::string_view request_id) {
  nlohmann::ordered_json body;  // key order as in the contract's examples
  body["detail"] = error.detail;
  if (!error.detail_only) {
    if (!error.code.empty()) body["code"] = error.code;
    body["request_id"] = request_id;
  }
  return {error.status, body.dump()};
}

http_answer validation_error_answer(const std::vector<validation_issue>& issues, std::string_view request_id) {
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (const auto& issue : issues) {
    nlohmann::ordered_json e;
    e["field"] = issue.field;
    e["message"] = issue.message;
    e["type"] = issue.type;
    if (!issue.input.is_null()) e["input"] = nlohmann::ordered_json(abbreviated_input(issue.input));
    errors.push_back(std::move(e));
  }
  std::string count = issues.size() == 1 ? "1 field" : std::to_string(issues.size()) + " fields";
  nlohmann::ordered_json body;
  body["detail"] = "[RID: " + std::string(request_id) + "] Validation errors in " + count;
  body["errors"] = std::move(errors);
  return {422, body.dump()};
}

nlohmann::json abbreviated_input(const nlohmann::json& value) {
  constexpr std::size_t keep = 120;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() > keep)
      return s.substr(0, keep) + "... (" + std::to_string(s.size()) + " characters)";
    return value;
  }
  std::string dumped = value.dump();
  if (dumped.size() > keep) return dumped.substr(0, keep) + "... (" + std::to_string(dumped.size()) + " characters)";
  return value;
}

// Wording follows the 2026 OpenAPI descriptions quoted in the contract; never quotes the key.
jina_error error_missing_api_key() {
  return {401, "No API key was provided. Send 'Authorization: Bearer <your key>'.", "AUTH_MISSING_API_KEY"};
}

jina_error error_invalid_key_format() {
  return {401,
          "Invalid API key format. The Authorization header must be 'Bearer <key>', where a valid key is 65 "
          "characters long and starts with 'jina_'.",
          "AUTH_INVALID_FORMAT"};
}

jina_error error_invalid_api_key() {
  return {401,
          "Invalid API key. Verify your API key at https://jina.ai/api-dashboard/key-manager or generate a new one.",
          "AUTH_INVALID_API_KEY"};
}

jina_error error_model_not_found(std::string_view model) {
  return {400,
          "Model '" + std::string(model) + "' not found. The Jina test double serves only: jina-clip-v2",
          "INPUT_MODEL_NOT_FOUND"};
}

// FastAPI's own 404/405 bodies carry only `detail`.
jina_error error_not_found() { return {404, "Not Found", "", true}; }
jina_error error_method_not_allowed() { return {405, "Method Not Allowed", "", true}; }

jina_error error_for_fault_status(int status) {
  switch (status) {
    case 402:  // the 2024 out-of-balance answer: detail only
      return {402,
              "Your API key has run out of its token-quota. Please top up your key or provide another one with "
              "sufficient balance.",
              "", true};
    case 403:
      return {403, "Insufficient account balance. Top up your balance at https://jina.ai/api-dashboard to continue.",
              "AUTHZ_INSUFFICIENT_BALANCE"};
    case 429:
      return {429, "Request rate limit exceeded: 501/500 requests per minute", "RATE_REQUEST_LIMIT_EXCEEDED"};
    case 500:
      return {500, "Internal server error. Please contact support with the request_id.", "INTERNAL_ERROR"};
    case 503:
      return {503, "Service temporarily unavailable. Retry with exponential backoff.", "SERVICE_UNAVAILABLE"};
    case 504:
      return {504, "Request timed out after 60 seconds. Try sending smaller inputs.", "SERVICE_TIMEOUT"};
    default:
      return {status, "Injected fault (status " + std::to_string(status) + ") from the Jina test double", ""};
  }
}

}  // namespace jina_double
