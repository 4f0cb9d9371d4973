#include "request_validation.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "base64.h"

namespace jina_double {

namespace {

using nlohmann::json;

std::string field_path(std::string_view rest) { return "body -> " + std::string(model_name) + " -> " + std::string(rest); }

struct checker {
  std::vector<validation_issue> issues;

  void add(std::string field, std::string message, std::string type, json input = nullptr) {
    issues.push_back({std::move(field), std::move(message), std::move(type), std::move(input)});
  }
};

// dimensions: integer (or integral number) in 1..1024, or null.
void check_dimensions(const json& value, checker& c, embedding_request& out) {
  if (value.is_null()) return;
  std::string field = field_path("dimensions");
  long long n = 0;
  if (value.is_number_unsigned()) {
    auto u = value.get<unsigned long long>();
    n = u > 1'000'000 ? 1'000'000 : static_cast<long long>(u);
  } else if (value.is_number_integer()) {
    n = value.get<long long>();
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    if (d != static_cast<double>(static_cast<long long>(d)) || d < -1e6 || d > 1e6)
      return c.add(field, "Input should be a valid integer, got a number with a fractional part", "int_from_float",
                   value);
    n = static_cast<long long>(d);
  } else {
    return c.add(field, "Input should be a valid integer", "int_type", value);
  }
  if (n <= 0) return c.add(field, "Input should be greater than 0", "greater_than", value);
  if (n > 1024) return c.add(field, "Input should be less than or equal to 1024", "less_than_equal", value);
  out.dimensions = static_cast<int>(n);
}

bool check_optional_bool(const json& value, std::string_view name, checker& c, bool& out) {
  if (value.is_null()) return false;
  if (!value.is_boolean()) {
    c.add(field_path(name), "Input should be a valid boolean", "bool_type", value);
    return false;
  }
  out = value.get<bool>();
  return true;
}

bool parse_embedding_type_name(const std::string& name, embedding_type& out) {
  if (name == "float") out = embedding_type::float_array;
  else if (name == "base64") out = embedding_type::base64;
  else if (name == "binary") out = embedding_type::binary;
  else if (name == "ubinary") out = embedding_type::ubinary;
  else return false;
  return true;
}

// Returns true when a list of several types was asked for: valid per the schema, but the real
// response shape for it is undocumented (contract section 3), so the double refuses it with a 400.
bool check_embedding_type(const json& value, checker& c, embedding_request& out) {
  if (value.is_null()) return false;
  std::string field = field_path("embedding_type");
  const char* message = "Input should be 'float', 'base64', 'binary' or 'ubinary'";
  if (value.is_string()) {
    if (!parse_embedding_type_name(value.get<std::string>(), out.type)) c.add(field, message, "literal_error", value);
    return false;
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      if (!value[i].is_string() || !parse_embedding_type_name(value[i].get<std::string>(), out.type))
        c.add(field + " -> " + std::to_string(i), message, "literal_error", value[i]);
    if (value.empty()) c.add(field, "List should have at least 1 item after validation, not 0", "too_short", value);
    return value.size() > 1;
  }
  c.add(field, message, "literal_error", value);
  return false;
}

void check_task(const json& value, checker& c, embedding_request& out) {
  if (value.is_null()) return;
  if (value.is_string() && value.get<std::string>() == "retrieval.query") {
    out.query_task = true;
    return;
  }
  c.add(field_path("task"), "Input should be 'retrieval.query'", "literal_error", value);
}

// One element of `input`: a string (text), {"text": ...} or {"image": ...}. Image values stay raw
// here and are decoded after the schema is known to be valid.
struct raw_item {
  bool is_image = false;
  std::string value;
};

void check_item(const json& item, const std::string& field, checker& c, std::vector<raw_item>& out) {
  if (item.is_string()) {
    out.push_back({false, item.get<std::string>()});
    return;
  }
  const char* shape = "Input should be a string, a TextDoc {\"text\": ...} or an ImageDoc {\"image\": ...}";
  if (!item.is_object()) return c.add(field, shape, "model_type", item);
  bool has_text = item.contains("text"), has_image = item.contains("image");
  std::size_t before = c.issues.size();
  for (const auto& [key, value] : item.items())
    if (key != "text" && key != "image")
      c.add(field + " -> " + key, "Extra inputs are not permitted", "extra_forbidden", value);
  if (has_text == has_image) {
    c.add(field, "An input item must have exactly one of 'text' or 'image'", has_text ? "value_error" : "missing",
          item);
    return;
  }
  const char* key = has_text ? "text" : "image";
  const json& value = item[key];
  if (!value.is_string()) return c.add(field + " -> " + key, "Input should be a valid string", "string_type", value);
  if (c.issues.size() == before) out.push_back({has_image, value.get<std::string>()});
}

bool is_url(std::string_view v) { return v.starts_with("http://") || v.starts_with("https://"); }

// `data:image/<type>;base64,<data>` or raw base64; ASCII white space (MIME line breaks) is ignored.
std::optional<std::string> decode_image_value(std::string_view value, std::string& problem) {
  if (value.starts_with("data:")) {
    std::size_t comma = value.find(',');
    std::string_view header = value.substr(0, comma == std::string_view::npos ? value.size() : comma);
    if (comma == std::string_view::npos || !header.starts_with("data:image/") || !header.ends_with(";base64")) {
      problem = "a data URI must have the form data:image/<type>;base64,<data>";
      return std::nullopt;
    }
    value.remove_prefix(comma + 1);
  }
  std::string compact;
  compact.reserve(value.size());
  for (char ch : value)
    if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') compact += ch;
  if (compact.empty()) {
    problem = "the image is empty";
    return std::nullopt;
  }
  // Reject before decoding: base64 of more than 8 MB cannot become an acceptable image.
  if (compact.size() / 4 * 3 > max_image_bytes + 2) {
    problem = "the image is about " + std::to_string(compact.size() / 4 * 3) + " bytes; the limit is " +
              std::to_string(max_image_bytes) + " bytes (8 MB) per image";
    return std::nullopt;
  }
  auto bytes = polylens::base64_decode(compact);
  if (!bytes) {
    problem = "the image is neither an http(s) URL nor valid base64";
    return std::nullopt;
  }
  if (bytes->size() > max_image_bytes) {
    problem = "the image is " + std::to_string(bytes->size()) + " bytes; the limit is " +
              std::to_string(max_image_bytes) + " bytes (8 MB) per image";
    return std::nullopt;
  }
  return bytes;
}

http_answer bad_request(std::string detail, std::string_view request_id) {
  return jina_error_answer({400, std::move(detail), "", false}, request_id);
}

}  // namespace

parse_outcome embedding_request_parse(std::string_view body, std::string_view request_id,
                                      const text_token_counter& count_text_tokens) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return validation_error_answer({{"body", "JSON decode error: the body is not valid JSON", "json_invalid", nullptr}},
                                   request_id);
  if (!doc.is_object())
    return validation_error_answer(
        {{"body", "Input should be a valid dictionary or object to extract fields from", "model_attributes_type",
          abbreviated_input(doc)}},
        request_id);

  // The model picks the schema (an OpenAPI discriminator), so it is checked before anything else.
  if (!doc.contains("model"))
    return validation_error_answer({{"body -> model", "Field required", "missing", nullptr}}, request_id);
  const json& model = doc["model"];
  if (!model.is_string() || model.get<std::string>() != model_name)
    return jina_error_answer(error_model_not_found(model.is_string() ? model.get<std::string>() : model.dump()),
                             request_id);

  embedding_request out;
  checker c;
  static const char* const known_fields[] = {"model", "input", "dimensions", "normalized", "embedding_type", "task",
                                             "truncate"};
  for (const auto& [key, value] : doc.items()) {
    bool known = false;
    for (const char* f : known_fields) known = known || key == f;
    if (!known) c.add(field_path(key), "Extra inputs are not permitted", "extra_forbidden", value);
  }

  check_dimensions(doc.value("dimensions", json()), c, out);
  check_optional_bool(doc.value("normalized", json()), "normalized", c, out.normalized);
  check_optional_bool(doc.value("truncate", json()), "truncate", c, out.truncate);
  bool several_types = check_embedding_type(doc.value("embedding_type", json()), c, out);
  check_task(doc.value("task", json()), c, out);

  std::vector<raw_item> items;
  bool single_pdf = false;
  if (!doc.contains("input")) {
    c.add(field_path("input"), "Field required", "missing");
  } else {
    const json& input = doc["input"];
    if (input.is_array()) {
      if (input.empty())
        c.add(field_path("input"), "List should have at least 1 item after validation, not 0", "too_short", input);
      for (std::size_t i = 0; i < input.size(); ++i)
        check_item(input[i], field_path("input -> " + std::to_string(i)), c, items);
    } else if (input.is_object() && input.size() == 1 && input.contains("pdf")) {
      single_pdf = true;  // valid per the schema; the double just cannot read PDFs
    } else {
      check_item(input, field_path("input"), c, items);
    }
  }
  if (!c.issues.empty()) return validation_error_answer(c.issues, request_id);

  if (single_pdf)
    return bad_request("The Jina test double cannot embed PDFs; send text or images.", request_id);
  if (several_types)
    return bad_request(
        "The Jina test double does not answer a list of several embedding_type values: the real response shape "
        "for it is undocumented. Ask for one type.",
        request_id);
  if (items.size() > max_input_items)
    return bad_request("input length is larger than the largest allowed size " + std::to_string(max_input_items),
                       request_id);

  for (std::size_t i = 0; i < items.size(); ++i) {
    input_item item;
    item.is_image = items[i].is_image;
    std::string where = "input[" + std::to_string(i) + "]: ";
    if (!item.is_image) {
      if (!out.truncate && count_text_tokens(items[i].value) > max_text_tokens)
        return bad_request(where + "the text is longer than " + std::to_string(max_text_tokens) +
                               " tokens; shorten it or send \"truncate\": true",
                           request_id);
      item.text = std::move(items[i].value);
    } else {
      if (is_url(items[i].value))
        return bad_request(where +
                               "the Jina test double cannot fetch image URLs (it runs without network access); send "
                               "the image bytes as base64 instead",
                           request_id);
      std::string problem;
      auto bytes = decode_image_value(items[i].value, problem);
      if (!bytes) return bad_request(where + problem, request_id);
      auto decoded = polylens::image_decode(*bytes);
      if (!decoded) return bad_request(where + decoded.error().message, request_id);
      item.image_bytes = bytes->size();
      item.image = std::move(decoded.value());
    }
    out.inputs.push_back(std::move(item));
  }
  return out;
}

}  // namespace jina_double
