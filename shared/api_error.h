// The one error envelope of the Polylens API:
//   {"error":{"code":<http status>,"type":"<snake_case>","message":"..."}}
// Every error is made from an error_type, so its status and its type string can never disagree.
#pragma once
#include <string>
#include <string_view>

namespace polylens {

enum class error_type {
  invalid_json,          // 400 body is not JSON, or not an object
  invalid_request,       // 400 a field is missing, of the wrong type, out of range or unknown
  invalid_image,         // 400 the image cannot be decoded
  payload_too_large,     // 413 body or image over the configured limit
  unauthorized,          // 401
  forbidden,             // 403 e.g. a cross-site origin that is not allow-listed
  not_found,             // 404
  method_not_allowed,    // 405
  rate_limited,          // 429
  embedder_auth_failed,  // 502 the Jina API refused our key
  embedder_error,        // 502 the Jina API failed or answered something we cannot use
  embedder_timeout,      // 504
  backend_unavailable,   // 503 Elasticsearch cannot be reached
  backend_error,         // 502 Elasticsearch answered with an error
  internal_error,        // 500
};

struct api_error {
  error_type type = error_type::internal_error;
  std::string message;

  int http_status() const;
  std::string_view type_name() const;
  std::string to_json() const;  // the envelope, serialised
};

int error_type_http_status(error_type type);
std::string_view error_type_name(error_type type);

// Reads an envelope back (the web client shows it; tests assert on it). Falls back to a generic
// error naming the status when the body is not an envelope.
api_error api_error_from_response(int http_status, std::string_view body);

}  // namespace polylens
