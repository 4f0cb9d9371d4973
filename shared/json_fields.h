// Strict readers for request fields, shared by every parser in api_messages: each rejection is an
// invalid_request error that names the field (with its index inside arrays) and says what it takes.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "result.h"

namespace polylens::json_fields {

api_error bad(const std::string& message);

// The body as a JSON object, or invalid_json.
result<nlohmann::json> object_body(std::string_view body);

result<int> integer(const nlohmann::json& value, const std::string& name, long long min, long long max);
// A string of at most max_bytes; empty (or blank) strings are refused unless allow_empty.
result<std::string> text(const nlohmann::json& value, const std::string& name, std::size_t max_bytes,
                         bool allow_empty = false);
result<std::vector<std::string>> text_list(const nlohmann::json& value, const std::string& name,
                                           std::size_t max_items, std::size_t max_item_bytes);
result<std::vector<float>> vector(const nlohmann::json& value, const std::string& name, std::size_t min_length,
                                  std::size_t max_length);

// "unknown field 'x' in <where>; expected a, b, c"
api_error unknown_field(const std::string& key, const std::string& where, const std::string& expected);

}  // namespace polylens::json_fields
