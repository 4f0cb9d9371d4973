#include "search_view_text.h"

#include <algorithm>
#include <cstdio>

namespace polylens::web {

const char* query_kind_name(query_kind kind) {
  switch (kind) {
    case query_kind::text: return "text";
    case query_kind::image: return "image";
    case query_kind::similar: return "similar";
    case query_kind::refined: return "refined";
  }
  return "text";
}

namespace {
std::string quoted(const std::string& text) { return "\xE2\x80\x9C" + text + "\xE2\x80\x9D"; }  // “…”
}  // namespace

std::string query_subject_phrase(const search_details& details) {
  switch (details.kind) {
    case query_kind::text: return quoted(details.subject);
    case query_kind::image:
      return details.subject == pasted_image_name ? "the pasted image" : "the image " + quoted(details.subject);
    case query_kind::similar: return "images like " + quoted(details.subject);
    case query_kind::refined: return quoted(details.subject) + ", refined by example";
  }
  return quoted(details.subject);
}

std::string no_strong_match_line(const search_details& details) {
  return "No strong match for " + query_subject_phrase(details);
}

std::string weak_matches_reason(const search_details& details) {
  if (!details.threshold) return {};
  char text[160];
  std::snprintf(text, sizeof text, "below %.3f, the strong-match threshold for %s queries", *details.threshold,
                details.modality == query_modality::text ? "text" : "image");
  return text;
}

int first_weak_hit(const std::vector<search_hit>& hits) {
  auto weak = std::find_if(hits.begin(), hits.end(), [](const search_hit& h) { return !h.strong; });
  return static_cast<int>(weak - hits.begin());
}

int strong_hit_count(const std::vector<search_hit>& hits) {
  return static_cast<int>(std::count_if(hits.begin(), hits.end(), [](const search_hit& h) { return h.strong; }));
}

std::string format_bytes(double bytes) {
  char text[32];
  if (bytes < 1000) std::snprintf(text, sizeof text, "%.0f B", bytes);
  else if (bytes < 1e6) std::snprintf(text, sizeof text, "%.1f KB", bytes / 1e3);
  else std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
  return text;
}

std::string format_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

std::string format_score(float score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

}  // namespace polylens::web
