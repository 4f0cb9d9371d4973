#include "refine_controls.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "refine_by_example.h"
#include "rocchio.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

css_rect css_of(ImVec2 min, ImVec2 max, const ui_scale& px) {
  return {min.x / px.ratio, min.y / px.ratio, (max.x - min.x) / px.ratio, (max.y - min.y) / px.ratio};
}

nlohmann::json rect_json(const css_rect& r) {
  if (r.w <= 0 || r.h <= 0) return nullptr;
  return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

int mark_of(const app_state& state, const std::string& id) {
  auto found = state.refine.marks.find(id);
  return found == state.refine.marks.end() ? 0 : found->second;
}

// A round button with a triangle pointing up (more like this) or down (less like this), filled when the mark
// is on. Returns whether it was clicked.
bool draw_mark_button(ImDrawList* draw, ImVec2 min, float size, bool up, bool on, float alpha, const ui_scale& px) {
  const ImVec2 max(min.x + size, min.y + size);
  const bool hovered = ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(min, max);
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  const ImU32 fill = on ? (up ? ui_color::ok : ui_color::error) : ui_color::rgb(12, 14, 18, hovered ? 240 : 200);
  const ImVec2 c((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f);
  draw->AddCircleFilled(c, size * 0.5f, with_alpha(fill, alpha));
  draw->AddCircle(c, size * 0.5f, with_alpha(hovered ? ui_color::text : ui_color::card_border, alpha), 0, px(1));
  const float t = size * 0.22f;
  const ImU32 ink = with_alpha(on ? ui_color::background : ui_color::text, alpha);
  if (up) draw->AddTriangleFilled(ImVec2(c.x, c.y - t), ImVec2(c.x + t, c.y + t * 0.7f), ImVec2(c.x - t, c.y + t * 0.7f), ink);
  else draw->AddTriangleFilled(ImVec2(c.x - t, c.y - t * 0.7f), ImVec2(c.x + t, c.y - t * 0.7f), ImVec2(c.x, c.y + t), ink);
  return hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
}

}  // namespace

bool draw_refine_card_buttons(app_state& state, int index, float card_max_x, float card_y, float alpha,
                              const ui_scale& px) {
  refine_state& refine = state.refine;
  const std::size_t count = state.search.hits.size();
  if (refine.more_buttons.size() != count) {
    refine.more_buttons.assign(count, css_rect{});
    refine.less_buttons.assign(count, css_rect{});
  }
  if (!refine_available(state) && !refine.refining) return false;
  const search_hit& hit = state.search.hits[static_cast<std::size_t>(index)];
  // Before the first mark no hit has its vector yet (they are fetched then); after it, only hits with one.
  if (refine.vectors_fetched && refine.vectors.find(hit.id) == refine.vectors.end()) return false;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float size = px(28), gap = px(6);
  const int mark = mark_of(state, hit.id);
  const ImVec2 less_min(card_max_x - px(8) - size, card_y + px(8));
  const ImVec2 more_min(less_min.x - gap - size, less_min.y);
  if (draw_mark_button(draw, more_min, size, true, mark > 0, alpha, px)) refine_request_mark(state, index, +1);
  if (draw_mark_button(draw, less_min, size, false, mark < 0, alpha, px)) refine_request_mark(state, index, -1);
  refine.more_buttons[static_cast<std::size_t>(index)] = css_of(more_min, ImVec2(more_min.x + size, more_min.y + size), px);
  refine.less_buttons[static_cast<std::size_t>(index)] = css_of(less_min, ImVec2(less_min.x + size, less_min.y + size), px);
  const ImVec2 all_min = more_min, all_max(less_min.x + size, less_min.y + size);
  return ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(all_min, all_max);
}

void draw_refine_bar(app_state& state, float width, const ui_scale& px) {
  refine_state& refine = state.refine;
  refine.bar = {};
  refine.reset_button = {};
  if (state.compare.mode != compare_mode::search || refine.query_vector.empty() ||
      refine.generation != state.search.generation)
    return;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float line = text_size(ui_size::meta, "Ag").y;
  int liked = 0, disliked = 0;
  for (const auto& [id, mark] : refine.marks) (mark > 0 ? liked : disliked) += 1;

  std::string text;
  ImU32 ink = ui_color::text_dim;
  if (refine.refining) {
    draw_spinner(draw, ImVec2(at.x + line * 0.5f, at.y + line * 0.5f), line * 0.38f, ui_color::accent, px(2));
    text = refine.fetching_vectors ? "Reading the results' vectors, then re-ranking\xE2\x80\xA6"
                                   : "Re-ranking with the marked examples\xE2\x80\xA6";
  } else if (refine.failure) {
    text = "Could not re-rank: " + refine.failure->message;
    ink = ui_color::error;
  } else if (refine.refined) {
    const rocchio_weights w;
    char formula[160];
    std::snprintf(formula, sizeof formula,
                  " \xC2\xB7 q' = %.2g\xC2\xB7q + %.2g\xC2\xB7mean(liked) \xE2\x88\x92 %.2g\xC2\xB7mean(disliked), "
                  "normalised \xC2\xB7 no new embedding",
                  w.alpha, w.beta, w.gamma);
    text = "Refined by example: " + std::to_string(liked) + " more like, " + std::to_string(disliked) + " less like" +
           formula;
  } else {
    text = "Refine: \xE2\x96\xB2 more like this, \xE2\x96\xBC less like this on any result (keys + and \xE2\x88\x92)";
  }
  const float indent = refine.refining ? line + px(6) : 0;

  // Reset, at the right, while there is something to reset.
  float text_width = width - indent;
  if (refine.refined || !refine.marks.empty()) {
    ImGui::PushFont(nullptr, ui_size::meta);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(10), px(2)));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(6));
    ImGui::PushStyleColor(ImGuiCol_Button, ui_color::card);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui_color::card_hover);
    const char* label = "Reset (0)";
    const float button_width = ImGui::CalcTextSize(label).x + px(20);
    ImGui::SetCursorScreenPos(ImVec2(at.x + width - button_width, at.y - px(2)));
    if (ImGui::Button(label)) refine_request_reset(state);
    if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    refine.reset_button = css_of(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), px);
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar(2);
    ImGui::PopFont();
    text_width -= button_width + px(12);
  }
  draw_text(draw, ui_size::meta, ImVec2(at.x + indent, at.y), ink, text.c_str(), text_width);
  const float height = std::max(line, text_size(ui_size::meta, text.c_str(), text_width).y);
  refine.bar = css_of(at, ImVec2(at.x + width, at.y + height), px);
  ImGui::SetCursorScreenPos(at);
  ImGui::Dummy(ImVec2(width, height + px(8)));
}

void refine_keyboard(app_state& state, int focused) {
  if (ImGui::IsKeyPressed(ImGuiKey_Equal, false) || ImGui::IsKeyPressed(ImGuiKey_KeypadAdd, false))
    refine_request_mark(state, focused, +1);
  else if (ImGui::IsKeyPressed(ImGuiKey_Minus, false) || ImGui::IsKeyPressed(ImGuiKey_KeypadSubtract, false))
    refine_request_mark(state, focused, -1);
  else if (ImGui::IsKeyPressed(ImGuiKey_0, false) || ImGui::IsKeyPressed(ImGuiKey_Keypad0, false))
    refine_request_reset(state);
}

void refine_hook(nlohmann::json& snapshot, const app_state& state) {
  using nlohmann::json;
  const refine_state& refine = state.refine;
  json marks = json::object();
  for (const auto& [id, mark] : refine.marks) marks[id] = mark;
  json more = json::array(), less = json::array();
  for (std::size_t i = 0; i < state.search.hits.size(); ++i) {
    more.push_back(i < refine.more_buttons.size() ? rect_json(refine.more_buttons[i]) : json(nullptr));
    less.push_back(i < refine.less_buttons.size() ? rect_json(refine.less_buttons[i]) : json(nullptr));
  }
  snapshot["refine"] = {
      {"available", refine_available(state)},
      {"dims", refine.dims},
      {"query_vector_length", refine.query_vector.size()},
      {"vectors_known", refine.vectors.size()},
      {"vectors_fetched", refine.vectors_fetched},
      {"fetching_vectors", refine.fetching_vectors},
      {"vector_fetches", refine.vector_fetches},
      {"fetch_matched", refine.fetch_matched},
      {"marks", std::move(marks)},
      {"refining", refine.refining},
      {"refined", refine.refined},
      {"refines", refine.refines},
      {"error", refine.failure ? json({{"type", refine.failure->type}, {"message", refine.failure->message}}) : json(nullptr)},
      {"original_ids", [&] {
         json ids = json::array();
         for (const search_hit& hit : refine.original_hits) ids.push_back(hit.id);
         return ids;
       }()},
      {"more_buttons", std::move(more)},
      {"less_buttons", std::move(less)},
      {"bar", rect_json(refine.bar)},
      {"reset_button", rect_json(refine.reset_button)},
  };
}

}  // namespace polylens::web
