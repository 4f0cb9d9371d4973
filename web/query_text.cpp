#include "query_text.h"

#include <imgui.h>
#include <imgui_internal.h>  // ImGuiInputTextState: the caret and selection of the active InputText

#include <algorithm>
#include <cmath>
#include <string>

#include "browser_text.h"
#include "text_input_bridge.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr ImGuiCol hidden_colors[] = {ImGuiCol_Text, ImGuiCol_TextDisabled, ImGuiCol_InputTextCursor,
                                      ImGuiCol_TextSelectedBg};

// The browser's caret layout is a DOM layout: ask again only when the text, caret or selection changed.
struct caret_cache {
  std::string text;
  float size = 0;
  int caret = -1, selection_begin = -1, selection_end = -1;
  browser_text_caret layout;
};
caret_cache last_caret;

const browser_text_caret& caret_layout(const std::string& text, float size, int caret, int selection_begin,
                                       int selection_end) {
  caret_cache& c = last_caret;
  if (c.text != text || c.size != size || c.caret != caret || c.selection_begin != selection_begin ||
      c.selection_end != selection_end) {
    c = {text, size, caret, selection_begin, selection_end,
         browser_text_measure_caret(text, size, caret, selection_begin, selection_end)};
  }
  return c.layout;
}

}  // namespace

query_text_frame query_text_begin(const app_state& state) {
  query_text_frame frame;
  // Decided before ImGui draws (on the text as it was, plus the composition); query_text_end decides again on the
  // text as it is now and covers a frame that guessed wrong.
  const std::string& preedit = text_input_bridge_preedit();
  frame.hidden = state.text.query.browser || (state.query_focused && !preedit.empty()) ||
                 browser_text_wanted(state.query);
  if (frame.hidden)
    for (ImGuiCol color : hidden_colors) ImGui::PushStyleColor(color, IM_COL32(0, 0, 0, 0));
  return frame;
}

void query_text_end(app_state& state, const query_text_frame& frame, const ui_scale& px) {
  if (frame.hidden) ImGui::PopStyleColor(static_cast<int>(std::size(hidden_colors)));
  query_text_view& view = state.text.query;

  const bool active = ImGui::IsItemActive();
  ImGuiInputTextState* input = active ? ImGui::GetInputTextState(ImGui::GetItemID()) : nullptr;
  const std::string text = state.query;
  int caret = static_cast<int>(text.size()), selection_begin = 0, selection_end = 0;
  if (input) {
    caret = std::clamp(input->GetCursorPos(), 0, static_cast<int>(text.size()));
    if (input->HasSelection()) {
      const int length = static_cast<int>(text.size());
      selection_begin = std::clamp(std::min(input->GetSelectionStart(), input->GetSelectionEnd()), 0, length);
      selection_end = std::clamp(std::max(input->GetSelectionStart(), input->GetSelectionEnd()), 0, length);
    }
  }
  // Plain Left and Right move the caret on screen, not in memory, as in a browser's text field: in right-to-left
  // text Left is logically forward, and a step never lands inside a grapheme cluster (a Devanagari syllable).
  // ImGui has just moved it logically; this puts it right, from where it was, and ImGui takes it in next frame.
  ImGuiIO& io = ImGui::GetIO();
  const bool plain_arrow = (ImGui::IsKeyPressed(ImGuiKey_LeftArrow) || ImGui::IsKeyPressed(ImGuiKey_RightArrow)) &&
                           !io.KeyShift && !io.KeyCtrl && !io.KeyAlt && !io.KeySuper;
  if (input && plain_arrow && view.browser && view.preedit.empty() && !view.had_selection) {
    const int from = view.caret_next >= 0 ? view.caret_next : view.caret;
    caret = browser_text_step(text, ImGui::GetFontSize(), std::clamp(from, 0, static_cast<int>(text.size())),
                              ImGui::IsKeyPressed(ImGuiKey_LeftArrow) ? -1 : 1);
    input->ReloadSelectionStart = input->ReloadSelectionEnd = caret;
    input->WantReloadUserBuf = true;
    view.caret_next = caret;
  } else {
    view.caret_next = -1;
  }
  view.had_selection = input && input->HasSelection();

  // The composition belongs to the query box only while the box has the keyboard (not the admin token's).
  const std::string preedit = active ? text_input_bridge_preedit() : std::string();
  view.preedit = preedit;
  view.shown = text.substr(0, caret) + preedit + text.substr(caret);
  view.caret = caret + (preedit.empty() ? 0 : text_input_bridge_preedit_caret());
  view.browser = !preedit.empty() || browser_text_wanted(view.shown);
  view.caret_x = -1;
  view.text_rect = {};

  const ImVec2 box_min = ImGui::GetItemRectMin(), box_max = ImGui::GetItemRectMax();
  const ImVec2 padding = ImGui::GetStyle().FramePadding;
  const ImVec2 inner_min(box_min.x + padding.x, box_min.y + padding.y);
  const ImVec2 inner_max(box_max.x - padding.x, box_max.y - padding.y);
  const float size = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();

  if (!view.browser) {
    view.rtl = false;
    view.shift = 0;
    // ImGui drew nothing this frame (the text was right-to-left until this very frame): draw it once here.
    if (frame.hidden && !text.empty())
      draw->AddText(nullptr, 0.0f, inner_min, ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
    return;
  }
  if (!frame.hidden) {
    // ImGui just drew this frame's text unshaped (it became right-to-left in this frame): cover it.
    const ImGuiCol bg = active                  ? ImGuiCol_FrameBgActive
                        : ImGui::IsItemHovered() ? ImGuiCol_FrameBgHovered
                                                 : ImGuiCol_FrameBg;
    draw->AddRectFilled(ImVec2(inner_min.x - 1, box_min.y + 2), ImVec2(inner_max.x + 1, box_max.y - 2),
                        ImGui::GetColorU32(bg));
  }

  browser_text_request request;
  request.text = view.shown;
  request.size = size;
  if (!preedit.empty()) {
    request.mark_begin = caret;
    request.mark_end = caret + static_cast<int>(preedit.size());
  }
  const browser_text_image& image = browser_text_get(request);
  view.rtl = image.rtl;

  // Where the text starts: at the left for left-to-right text, flush right for right-to-left text (as a
  // dir="auto" input would). Longer than the box: shifted so the caret stays in view.
  const float room = inner_max.x - inner_min.x;
  const float home = image.rtl ? inner_max.x - image.width : inner_min.x;
  float left = home + view.shift;
  const browser_text_caret* layout = nullptr;
  if (active) {
    const int sel_begin = selection_begin + (selection_begin >= caret ? static_cast<int>(preedit.size()) : 0);
    const int sel_end = selection_end + (selection_end >= caret ? static_cast<int>(preedit.size()) : 0);
    layout = &caret_layout(view.shown, size, view.caret, sel_begin, sel_end);
  }
  if (image.width <= room) {
    left = home;
  } else {
    if (layout) {
      const float caret_screen = left + layout->caret_x;
      if (caret_screen > inner_max.x - 1) left -= caret_screen - (inner_max.x - 1);
      if (caret_screen < inner_min.x) left += inner_min.x - caret_screen;
    }
    left = std::clamp(left, inner_max.x - image.width, inner_min.x);
  }
  left = std::round(left);
  view.shift = left - home;

  // A click in the text: ImGui put the caret by its own unshaped, left-to-right measure. Put it where the browser's
  // layout has the position nearest the pointer instead; ImGui takes it in at the next frame. (A double click
  // keeps ImGui's word selection, which is right: words are logical.)
  if (input && preedit.empty() && ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && !io.KeyShift) {
    const int offset = browser_text_hit(view.shown, size, io.MousePos.x - left);
    input->ReloadSelectionStart = input->ReloadSelectionEnd = offset;
    input->WantReloadUserBuf = true;
    view.caret_next = offset;
  }

  draw->PushClipRect(ImVec2(inner_min.x, box_min.y + 1), ImVec2(inner_max.x, box_max.y - 1), true);
  if (layout)
    for (const ImVec2& span : layout->selection)
      draw->AddRectFilled(ImVec2(left + span.x, inner_min.y), ImVec2(left + span.y, inner_min.y + size),
                          ImGui::GetColorU32(ImGuiCol_TextSelectedBg));
  browser_text_draw(draw, image, ImVec2(left, inner_min.y), ImGui::GetColorU32(ImGuiCol_Text));
  if (layout) {
    const float x = std::round(left + layout->caret_x);
    // Blinks as ImGui's own caret does (imgui_widgets.cpp), steady while typing.
    const bool visible = !io.ConfigInputTextCursorBlink || input->CursorAnim <= 0.0f ||
                         std::fmod(input->CursorAnim, 1.20f) <= 0.80f;
    if (visible)
      draw->AddLine(ImVec2(x + 0.5f, inner_min.y - px(1)), ImVec2(x + 0.5f, inner_min.y + size + px(1)),
                    ImGui::GetColorU32(ImGuiCol_InputTextCursor), std::max(1.0f, px(1)));
    view.caret_x = x / px.ratio;
    // The input method's candidate window opens at this caret, not at ImGui's idea of it.
    ImGui::GetCurrentContext()->PlatformImeData.InputPos.x = x;
  }
  draw->PopClipRect();
  view.text_rect = {std::max(left, inner_min.x) / px.ratio, inner_min.y / px.ratio,
                    (std::min(left + image.width, inner_max.x) - std::max(left, inner_min.x)) / px.ratio,
                    size / px.ratio};
}

}  // namespace polylens::web
