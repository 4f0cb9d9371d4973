// The words the results view uses in more than one place (the page, the ARIA live regions, the test hook),
// so they always agree: what the query was, the "no strong match" line, the threshold, sizes and times.
#pragma once
#include <string>
#include <vector>

#include "api_messages.h"
#include "search_view_state.h"

namespace polylens::web {

// What a pasted image is called (the clipboard's file names say nothing: "image.png").
inline constexpr const char* pasted_image_name = "pasted image";

// "“qwzx blorf”", "the dropped image “beach.jpg”", "images like “Eiffel Tower”".
std::string query_subject_phrase(const search_details& details);
// "No strong match for “qwzx blorf”".
std::string no_strong_match_line(const search_details& details);
// "below 0.410, the strong-match threshold for text queries" (empty without a threshold).
std::string weak_matches_reason(const search_details& details);
// The first weak hit (hits are ranked, so every strong hit comes before it); hits.size() when none is weak.
int first_weak_hit(const std::vector<search_hit>& hits);
int strong_hit_count(const std::vector<search_hit>& hits);

std::string format_bytes(double bytes);  // "812 B", "61.2 KB", "3.4 MB" (1 KB = 1000 bytes)
std::string format_ms(double ms);        // "0.7 ms", "12.4 ms"
std::string format_score(float score);   // "0.81"

}  // namespace polylens::web
