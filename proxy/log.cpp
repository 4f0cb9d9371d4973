#include "log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace polylens {

namespace {
std::mutex log_mutex;
std::vector<std::string> registered_secrets;

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
  return buf;
}

void write(const char* level, std::string_view message, nlohmann::json fields) {
  fields["ts"] = timestamp();
  fields["level"] = level;
  fields["msg"] = message;
  std::string line = redact(fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::lock_guard lock(log_mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}
}  // namespace

void log_register_secrets(const std::vector<std::string>& secrets) {
  std::lock_guard lock(log_mutex);
  for (const auto& s : secrets)
    if (s.size() >= 4) registered_secrets.push_back(s);
}

std::string redact(std::string_view text) {
  std::string out(text);
  for (const auto& secret : registered_secrets) {
    std::string mask = "[redacted ..." + secret.substr(secret.size() - 4) + "]";
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + mask.size()))
      out.replace(pos, secret.size(), mask);
  }
  return out;
}

void log_info(std::string_view message, nlohmann::json fields) { write("info", message, std::move(fields)); }
void log_warn(std::string_view message, nlohmann::json fields) { write("warn", message, std::move(fields)); }
void log_error(std::string_view message, nlohmann::json fields) { write("error", message, std::move(fields)); }

}  // namespace polylens
