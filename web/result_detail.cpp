#include "result_detail.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "flat_button.h"
#include "search_view_text.h"
#include "ui_draw.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

// Wrapped text as an item, so the card grows with it.
void text_block(float css_size, ImU32 color, const std::string& text, float width) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw_text(draw, css_size, ImGui::GetCursorScreenPos(), color, text.c_str(), width);
  ImGui::Dummy(ImVec2(width, text_size(css_size, text.c_str(), width).y));
}

std::string match_words(const search_hit& hit, const search_details& details) {
  if (!details.threshold) return "no threshold calibrated for this embedder";
  if (hit.strong) return "strong match";
  return "weak match: " + weak_matches_reason(details);
}

void draw_picture(const thumbnail* thumb, ImVec2 min, float w, float h, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 max(min.x + w, min.y + h);
  draw->AddRectFilled(min, max, ui_color::image_well, px(8));
  if (thumb && thumb->status == thumbnail_status::ready && thumb->width > 0 && thumb->height > 0) {
    // Shown whole; the proxy stores a 256 px thumbnail, so large screens see it enlarged.
    const float scale = std::min(w / thumb->width, h / thumb->height);
    const float iw = std::round(thumb->width * scale), ih = std::round(thumb->height * scale);
    const ImVec2 at(std::round(min.x + (w - iw) * 0.5f), std::round(min.y + (h - ih) * 0.5f));
    draw->AddImage(ImTextureRef(static_cast<ImTextureID>(thumb->texture)), at, ImVec2(at.x + iw, at.y + ih));
  } else {
    draw_spinner(draw, ImVec2(min.x + w * 0.5f, min.y + h * 0.5f), px(12), ui_color::text_faint, px(2));
  }
  ImGui::Dummy(ImVec2(w, h));
}

}  // namespace

void draw_result_detail(app_state& state, const thumbnail_cache& thumbnails, float device_pixel_ratio) {
  results_view_state& view = state.results;
  results_layout& where = view.layout;
  const std::vector<search_hit>& hits = state.search.hits;
  if (view.open >= static_cast<int>(hits.size())) view.open = -1;
  if (view.open < 0) {
    where.detail = where.detail_image = where.more_like_this_button = where.close_button = {};
    return;
  }
  const ui_scale px{device_pixel_ratio};
  const search_hit& hit = hits[static_cast<std::size_t>(view.open)];
  const ImGuiViewport* viewport = ImGui::GetMainViewport();

  // The backdrop: a window over the whole page, so the page behind takes no clicks, scrolls or hovers.
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ui_color::rgb(8, 9, 12, 210));
  ImGui::Begin("##result_detail", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
  if (ImGui::IsWindowAppearing()) ImGui::SetWindowFocus();
  ImGui::PushFont(nullptr, ui_size::body);

  // The card: side by side when there is room, picture above the words on a phone.
  const float margin = px(viewport->Size.x < px(600) ? 10 : 32);
  const float card_w = std::min(viewport->Size.x - 2 * margin, px(980));
  const float pad = px(viewport->Size.x < px(600) ? 14 : 24);
  const float inner = card_w - 2 * pad;
  const bool side_by_side = card_w >= px(720);
  // Top-aligned rather than centred: its height is known only once drawn, and a card that moved after its
  // first frame would move its buttons from under the pointer.
  const float top = std::max(margin, std::floor(viewport->Size.y * 0.06f));
  const float max_h = viewport->Size.y - top - margin;
  const ImVec2 card_pos(viewport->Pos.x + std::floor((viewport->Size.x - card_w) * 0.5f), viewport->Pos.y + top);
  ImGui::SetCursorScreenPos(card_pos);
  ImGui::SetNextWindowSizeConstraints(ImVec2(card_w, 0), ImVec2(card_w, max_h));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ui_color::card);
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, px(14));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(10), px(8)));
  ImGui::BeginChild("##card", ImVec2(card_w, 0), ImGuiChildFlags_AutoResizeY | ImGuiChildFlags_AlwaysUseWindowPadding);

  const thumbnail* thumb = thumbnail_cache_find(thumbnails, hit.id);
  const float picture_w = side_by_side ? std::floor(inner * 0.48f) : inner;
  const float picture_h = side_by_side ? std::min(picture_w, px(440)) : std::min(std::floor(inner * 0.75f), px(340));
  const ImVec2 picture_at = ImGui::GetCursorScreenPos();
  draw_picture(thumb, picture_at, picture_w, picture_h, px);
  where.detail_image = css_of_last_item(px.ratio);
  float words_w = inner;
  if (side_by_side) {
    ImGui::SetCursorScreenPos(ImVec2(picture_at.x + picture_w + px(24), picture_at.y));
    words_w = inner - picture_w - px(24);
  }
  ImGui::BeginGroup();
  const std::string title = hit.title.empty() ? hit.id : hit.title;
  text_block(ui_size::lead, ui_color::text, title, words_w);
  const std::string score = "#" + std::to_string(view.open + 1) + " of " + std::to_string(hits.size()) +
                            " \xC2\xB7 score " + format_score(hit.score) + " \xC2\xB7 " + match_words(hit, state.search.details);
  text_block(ui_size::meta, hit.strong ? ui_color::ok : ui_color::amber, score, words_w);
  if (!hit.tags.empty()) {
    std::string tags = "Tags: ";
    for (std::size_t i = 0; i < hit.tags.size(); ++i) tags += (i ? ", " : "") + hit.tags[i];
    text_block(ui_size::meta, ui_color::text_dim, tags, words_w);
  }
  if (!hit.caption.empty() && hit.caption != hit.title) text_block(ui_size::body, ui_color::text, hit.caption, words_w);
  if (!hit.credit.empty()) text_block(ui_size::small, ui_color::text_faint, hit.credit, words_w);
  std::string size = hit.width > 0 ? "Original: " + std::to_string(hit.width) + " \xC3\x97 " +
                                         std::to_string(hit.height) + " px"
                                   : std::string("Original size not recorded");
  text_block(ui_size::small, ui_color::text_faint, size + " \xC2\xB7 id " + hit.id, words_w);
  ImGui::Dummy(ImVec2(words_w, px(4)));
  if (flat_button("More like this", true, 8, where.more_like_this_button, px)) view.request_similar = view.open;
  ImGui::SameLine();
  if (flat_button("Close", false, 8, where.close_button, px)) view.open = -1;
  text_block(ui_size::small, ui_color::text_faint,
             "M: more like this \xC2\xB7 \xE2\x86\x90 \xE2\x86\x92: previous / next \xC2\xB7 Esc: close", words_w);
  ImGui::EndGroup();

  ImGui::EndChild();
  const ImVec2 card_min = ImGui::GetItemRectMin(), card_max = ImGui::GetItemRectMax();
  where.detail = css_of(card_min, card_max, px.ratio);
  ImGui::PopStyleVar(3);
  ImGui::PopStyleColor();

  // A click on the backdrop (not on the card) closes it; not on the frame it appears, whose click opened it.
  if (!ImGui::IsWindowAppearing() && ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseHoveringRect(card_min, card_max))
    view.open = -1;
  ImGui::PopFont();
  ImGui::End();
}

}  // namespace polylens::web
