#include "json_fields.h"

#include <cmath>

namespace polylens::json_fields {

using nlohmann::json;

api_error bad(const std::string& message) { return {error_type::invalid_request, message}; }

result<json> object_body(std::string_view body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return api_error{error_type::invalid_json, "the body is not valid JSON (UTF-8)"};
  if (!parsed.is_object()) return api_error{error_type::invalid_json, "the body must be a JSON object"};
  return parsed;
}

result<int> integer(const json& value, const std::string& name, long long min, long long max) {
  if (!value.is_number_integer()) return bad("'" + name + "' must be an integer");
  long long v = value.is_number_unsigned() && value.get<unsigned long long>() > 1ull << 62
                    ? max + 1
                    : value.get<long long>();
  if (v < min || v > max)
    return bad("'" + name + "' must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
               value.dump());
  return static_cast<int>(v);
}

result<std::string> text(const json& value, const std::string& name, std::size_t max_bytes, bool allow_empty) {
  if (!value.is_string()) return bad("'" + name + "' must be a string");
  std::string s = value.get<std::string>();
  if (!allow_empty && s.find_first_not_of(" \t\r\n") == std::string::npos)
    return bad("'" + name + "' is empty");
  if (s.size() > max_bytes) return bad("'" + name + "' is longer than " + std::to_string(max_bytes) + " bytes");
  return s;
}

result<std::vector<std::string>> text_list(const json& value, const std::string& name, std::size_t max_items,
                                           std::size_t max_item_bytes) {
  if (!value.is_array()) return bad("'" + name + "' must be an array of strings");
  if (value.size() > max_items) return bad("'" + name + "' has more than " + std::to_string(max_items) + " items");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto item = text(value[i], name + "[" + std::to_string(i) + "]", max_item_bytes);
    if (!item) return item.error();
    out.push_back(std::move(*item));
  }
  return out;
}

result<std::vector<float>> vector(const json& value, const std::string& name, std::size_t min_length,
                                  std::size_t max_length) {
  if (!value.is_array()) return bad("'" + name + "' must be an array of numbers");
  if (value.size() < min_length || value.size() > max_length)
    return bad("'" + name + "' must have between " + std::to_string(min_length) + " and " +
               std::to_string(max_length) + " numbers, got " + std::to_string(value.size()));
  std::vector<float> out;
  out.reserve(value.size());
  double norm = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number()) return bad("'" + name + "[" + std::to_string(i) + "]' is not a number");
    double v = value[i].get<double>();
    if (!std::isfinite(v) || std::fabs(v) > 1e6)
      return bad("'" + name + "[" + std::to_string(i) + "]' is out of range");
    norm += v * v;
    out.push_back(static_cast<float>(v));
  }
  if (norm == 0) return bad("'" + name + "' is all zeros: cosine similarity needs a direction");
  return out;
}

api_error unknown_field(const std::string& key, const std::string& where, const std::string& expected) {
  return bad("unknown field '" + key + "' in " + where + "; expected " + expected);
}

}  // namespace polylens::json_fields
