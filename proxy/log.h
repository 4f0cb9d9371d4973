// Structured logs: one JSON object per line on stderr. Every line passes through the redactor, so
// a secret registered at start-up never reaches a log, whatever a caller or an upstream put in it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace polylens {

void log_register_secrets(const std::vector<std::string>& secrets);

// Replaces every registered secret in `text` with "[redacted …abcd]" (its last four characters).
std::string redact(std::string_view text);

void log_info(std::string_view message, nlohmann::json fields = nlohmann::json::object());
void log_warn(std::string_view message, nlohmann::json fields = nlohmann::json::object());
void log_error(std::string_view message, nlohmann::json fields = nlohmann::json::object());

}  // namespace polylens
