#include "ingest_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "api_limits.h"
#include "flat_button.h"
#include "ui_theme.h"

namespace polylens::web {

namespace {

constexpr const char* token_hint = "admin token (POLYLENS_ADMIN_TOKEN)";

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int waiting_files(const ingest_state& in) {
  int n = 0;
  for (const ingest_file& f : in.files)
    if (f.status == ingest_file_status::queued || f.status == ingest_file_status::reading ||
        f.status == ingest_file_status::prepared || f.status == ingest_file_status::uploading)
      ++n;
  return n;
}

int not_uploaded_files(const ingest_state& in) {
  int n = 0;
  for (const ingest_file& f : in.files)
    if (f.problem == ingest_problem::not_uploaded) ++n;
  return n;
}

// What the run is doing right now, for the line under the bar.
std::string ingest_activity(const ingest_state& in) {
  if (!in.notice.empty()) return in.notice;
  if (in.stopped || !in.running) return {};
  if (in.cancelled) return "Cancelling: the batch on its way to the proxy is let finish.";
  std::string line;
  if (in.uploading)
    line = "Uploading batch " + std::to_string(in.current_batch) + "\xE2\x80\xA6";  // U+2026
  for (const ingest_file& f : in.files) {
    if (f.status != ingest_file_status::reading) continue;
    line += (line.empty() ? "" : "  \xC2\xB7  ") + std::string("Shrinking ") + f.name + "\xE2\x80\xA6";
    break;
  }
  if (line.empty() && in.collecting > 0) line = "Listing the dropped folders\xE2\x80\xA6";
  return line;
}

ImU32 problem_color(ingest_problem problem) {
  return problem == ingest_problem::duplicate ? ui_color::text_dim : ui_color::error;
}

// A small flat button whose right edge is at `right`; returns whether it was pressed. Records where it is.
bool panel_button(const char* label, float right, css_rect& where, const ui_scale& px, bool primary = false) {
  ImGui::SetCursorScreenPos(ImVec2(right - flat_button_width(label, px), ImGui::GetCursorScreenPos().y));
  return flat_button(label, primary, 6, where, px);
}

// The dashed drop target: what to drop and the limits. Lit while files are dragged over the page.
void draw_drop_zone(ingest_state& in, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const bool ready = in.admin_token[0] != '\0';
  const char* lead = !ready          ? "Type the admin token, then drop image files or folders anywhere on this page"
                     : in.drop_hover ? "Drop to add them to the index"
                                     : "Drop image files or folders anywhere on this page";
  char limits_text[200];
  std::snprintf(limits_text, sizeof limits_text,
                "JPEG, PNG, GIF or BMP \xC2\xB7 at most %zu MiB and %d megapixels each \xC2\xB7 shrunk to %d px here, "
                "then sent %d at a time",
                limits::max_image_bytes >> 20, limits::max_image_pixels / 1'000'000, limits::upload_long_side,
                in.batch_size);
  const float inner = width - px(32);
  const float lead_h = text_size(ui_size::body, lead, inner).y;
  const float limits_h = text_size(ui_size::meta, limits_text, inner).y;
  const float height = px(18) + lead_h + px(6) + limits_h + px(18);
  const ImVec2 max(pos.x + width, pos.y + height);
  const ImU32 edge = in.drop_hover && ready ? ui_color::accent : ui_color::card_border;
  if (in.drop_hover && ready) draw->AddRectFilled(pos, max, ui_color::accent_soft, px(10));
  // Dashes along each side.
  const float dash = px(8), gap = px(6), t = px(1.5f);
  for (float x = pos.x + px(10); x < max.x - px(10); x += dash + gap) {
    const float end = std::min(x + dash, max.x - px(10));
    draw->AddLine(ImVec2(x, pos.y), ImVec2(end, pos.y), edge, t);
    draw->AddLine(ImVec2(x, max.y), ImVec2(end, max.y), edge, t);
  }
  for (float y = pos.y + px(10); y < max.y - px(10); y += dash + gap) {
    const float end = std::min(y + dash, max.y - px(10));
    draw->AddLine(ImVec2(pos.x, y), ImVec2(pos.x, end), edge, t);
    draw->AddLine(ImVec2(max.x, y), ImVec2(max.x, end), edge, t);
  }
  float y = pos.y + px(18);
  y += draw_text_centered(draw, ui_size::body, pos.x + px(16), y, inner, ready ? ui_color::text : ui_color::amber, lead);
  draw_text_centered(draw, ui_size::meta, pos.x + px(16), y + px(6), inner, ui_color::text_dim, limits_text);
  ImGui::Dummy(ImVec2(width, height));
  in.layout.drop_zone = css_of_last_item(px.ratio);
}

// The bar: files with an outcome over all files; the counts beside it.
void draw_progress(const ingest_state& in, float width, const ui_scale& px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const int total = static_cast<int>(in.files.size());
  const int done = ingest_done(in);
  char counts[160];
  std::snprintf(counts, sizeof counts, "%d / %d", done, total);
  const ImVec2 counts_size = text_size(ui_size::meta, counts);
  const float bar_h = px(10);
  const float bar_w = std::max(px(60), width - counts_size.x - px(14));
  const float bar_y = pos.y + (counts_size.y - bar_h) * 0.5f;
  draw->AddRectFilled(ImVec2(pos.x, bar_y), ImVec2(pos.x + bar_w, bar_y + bar_h), ui_color::bar_track, bar_h * 0.5f);
  if (total > 0 && done > 0) {
    const float fill = std::max(bar_h, bar_w * static_cast<float>(done) / static_cast<float>(total));
    const ImU32 color = in.stopped ? ui_color::error : in.cancelled ? ui_color::amber : ui_color::accent;
    draw->AddRectFilled(ImVec2(pos.x, bar_y), ImVec2(pos.x + fill, bar_y + bar_h), color, bar_h * 0.5f);
  }
  draw_text(draw, ui_size::meta, ImVec2(pos.x + bar_w + px(14), pos.y), ui_color::text, counts);
  ImGui::Dummy(ImVec2(width, counts_size.y));
}

// Files that did not simply go in: the reason per file, in a list that scrolls on its own.
void draw_file_problems(const ingest_state& in, float width, const ui_scale& px) {
  int problems = 0;
  for (const ingest_file& f : in.files)
    if (f.problem != ingest_problem::none) ++problems;
  if (problems == 0) return;
  const float line = text_size(ui_size::meta, "Ag").y;
  const float height = std::min(px(220), problems * (line + px(6)) + px(12));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ui_color::image_well);
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, px(8));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(px(12), px(6)));
  ImGui::BeginChild("file_problems", ImVec2(width, height), ImGuiChildFlags_AlwaysUseWindowPadding);
  ImGui::PushFont(nullptr, ui_size::meta);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, px(6)));
  const float text_width = ImGui::GetContentRegionAvail().x;
  ImGuiListClipper clipper;  // thousands of rows cost only the visible ones (rows are one line: ellipsised)
  std::vector<int> rows;
  rows.reserve(static_cast<std::size_t>(problems));
  for (std::size_t i = 0; i < in.files.size(); ++i)
    if (in.files[i].problem != ingest_problem::none) rows.push_back(static_cast<int>(i));
  clipper.Begin(static_cast<int>(rows.size()), line + px(6));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const ingest_file& f = in.files[static_cast<std::size_t>(rows[static_cast<std::size_t>(r)])];
      const ImVec2 pos = ImGui::GetCursorScreenPos();
      // The name in full when it fits in 45% of the row (long paths are cut), then the reason.
      const float full_w = text_size(ui_size::meta, f.name.c_str()).x;
      const float name_w = std::min(text_width * 0.45f, full_w);
      if (full_w <= name_w) draw_text(draw, ui_size::meta, pos, ui_color::text, f.name.c_str());
      else draw_text_ellipsis(draw, ui_size::meta, pos, pos.x + name_w, ui_color::text, f.name.c_str());
      draw_text_ellipsis(draw, ui_size::meta, ImVec2(pos.x + name_w + px(12), pos.y), pos.x + text_width,
                         problem_color(f.problem), f.reason.c_str());
      ImGui::Dummy(ImVec2(text_width, line));
      if (ImGui::IsItemHovered()) {
        ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(px(520), FLT_MAX));
        if (ImGui::BeginTooltip()) {
          ImGui::PushTextWrapPos(px(500));
          ImGui::TextUnformatted(f.name.c_str());
          ImGui::TextUnformatted(f.reason.c_str());
          ImGui::PopTextWrapPos();
          ImGui::EndTooltip();
        }
      }
    }
  }
  ImGui::PopStyleVar();
  ImGui::PopFont();
  ImGui::EndChild();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();
}

}  // namespace

std::string ingest_summary(const ingest_state& in) {
  if (in.files.empty()) return in.collecting > 0 ? "Listing the dropped folders\xE2\x80\xA6" : "";
  const int total = static_cast<int>(in.files.size());
  const std::string counts = plural(in.created, "added", "added") + ", " +
                             plural(in.exists, "duplicate", "duplicates") + ", " + plural(in.failed, "failed", "failed");
  std::string line;
  if (in.stopped) {
    line = "Stopped: a batch failed as a whole (see below). Fix the cause, then Retry: " +
           plural(not_uploaded_files(in), "file", "files") + " not uploaded, " +
           plural(waiting_files(in), "file", "files") + " waiting. So far " + counts + ".";
  } else if (in.cancelled) {
    line = in.running ? "Cancelling: the batch on its way to the proxy is let finish. So far " + counts + "."
                      : "Cancelled: " + counts + "; " + plural(in.not_processed, "file", "files") + " not processed." +
                            (in.cancelled_in_flight
                                 ? " The batch that was on its way when you cancelled was let finish."
                                 : "");
  } else if (in.running) {
    line = std::to_string(ingest_done(in)) + " of " + plural(total, "file", "files") + ": " + counts + ".";
  } else {
    line = "Finished: " + counts + ", of " + plural(total, "file", "files") + ".";
  }
  if (in.skipped_not_images > 0)
    line += " " + plural(in.skipped_not_images, "file", "files") +
            " in the dropped folders skipped: not JPEG, PNG, GIF or BMP (e.g. " + in.skipped_example + ").";
  return line;
}

ingest_panel_intent draw_ingest_panel(app_state& state, float width, const ui_scale& px) {
  ingest_state& in = state.ingest;
  ingest_panel_intent intent;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float pad = px(18);
  const float inner = width - 2 * pad;

  // The card's background goes behind contents whose height is known only at the end.
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + pad, origin.y + pad));
  ImGui::BeginGroup();

  // Title and what the panel does.
  draw_text(draw, ui_size::lead, ImGui::GetCursorScreenPos(), ui_color::text, "Add images");
  ImGui::Dummy(ImVec2(inner, text_size(ui_size::lead, "Ag").y));
  const char* about = "Each file is shrunk here in the browser and sent to the proxy, which embeds and stores it. "
                      "The same file is never stored twice.";
  draw_text(draw, ui_size::meta, ImGui::GetCursorScreenPos(), ui_color::text_dim, about, inner);
  ImGui::Dummy(ImVec2(inner, text_size(ui_size::meta, about, inner).y));

  // The admin token: masked, kept in this tab's memory only.
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(12), px(9)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(8));
  ImGui::SetNextItemWidth(std::min(inner, px(420)));
  if (in.focus_token) {
    ImGui::SetKeyboardFocusHere();
    in.focus_token = false;
  }
  ImGui::InputTextWithHint("##admin_token", token_hint, in.admin_token, sizeof in.admin_token,
                           ImGuiInputTextFlags_Password);
  in.token_focused = ImGui::IsItemActive();
  in.layout.token_box = css_of_last_item(px.ratio);
  ImGui::PopStyleVar(2);
  const char* token_note = "Kept in this tab's memory only: never stored, and sent only to this proxy.";
  if (inner - px(420) > text_size(ui_size::meta, token_note).x + px(16)) {
    ImGui::SameLine(0, px(14));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float dy = (ImGui::GetFrameHeight() - text_size(ui_size::meta, "Ag").y) * 0.5f;
    draw_text(draw, ui_size::meta, ImVec2(at.x, at.y + dy), ui_color::text_faint, token_note);
    ImGui::NewLine();
  } else {
    draw_text(draw, ui_size::meta, ImGui::GetCursorScreenPos(), ui_color::text_faint, token_note, inner);
    ImGui::Dummy(ImVec2(inner, text_size(ui_size::meta, token_note, inner).y));
  }

  draw_drop_zone(in, inner, px);

  // Progress, then Cancel (while running) or Retry (after a failed batch).
  in.layout.cancel_button = {};
  in.layout.retry_button = {};
  if (!in.files.empty() || in.running) {
    draw_progress(in, inner, px);
    const std::string summary = ingest_summary(in);
    const std::string activity = ingest_activity(in);
    // Cancel while it runs; after a failed batch, Retry, or Cancel to give up on what is left.
    const bool can_retry = in.stopped;
    const bool can_cancel = (in.running && !in.cancelled) || in.stopped;
    const float gap = px(10);
    const float retry_w = can_retry ? flat_button_width("Retry", px) + gap : 0.0f;
    const float cancel_w = can_cancel ? flat_button_width("Cancel", px) + gap : 0.0f;
    const float button_space = retry_w + cancel_w > 0 ? retry_w + cancel_w + px(6) : 0.0f;
    const float text_w = inner - button_space;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    draw_text(draw, ui_size::meta, at, in.stopped ? ui_color::error : ui_color::text, summary.c_str(), text_w);
    float used = text_size(ui_size::meta, summary.c_str(), text_w).y;
    if (!activity.empty()) {
      draw_text(draw, ui_size::meta, ImVec2(at.x, at.y + used + px(4)), ui_color::text_dim, activity.c_str(), text_w);
      used += px(4) + text_size(ui_size::meta, activity.c_str(), text_w).y;
    }
    if (can_cancel || can_retry) {
      ImGui::SetCursorScreenPos(at);
      if (can_retry && panel_button("Retry", at.x + inner, in.layout.retry_button, px, true)) intent.retry = true;
      ImGui::SetCursorScreenPos(at);
      if (can_cancel && panel_button("Cancel", at.x + inner - retry_w, in.layout.cancel_button, px)) intent.cancel = true;
      used = std::max(used, ImGui::GetItemRectSize().y);
      ImGui::SetCursorScreenPos(at);
    }
    ImGui::Dummy(ImVec2(inner, used));
  } else if (!in.notice.empty()) {
    draw_text(draw, ui_size::meta, ImGui::GetCursorScreenPos(), ui_color::amber, in.notice.c_str(), inner);
    ImGui::Dummy(ImVec2(inner, text_size(ui_size::meta, in.notice.c_str(), inner).y));
  }

  // Whole batches that failed: the proxy's own words, with the status.
  for (const std::string& error : in.batch_errors) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float line = text_size(ui_size::meta, "Ag").y;
    draw_warning_icon(draw, ImVec2(at.x + line * 0.45f, at.y + line * 0.5f), line * 0.9f, ui_color::error,
                      ui_color::card);
    draw_text(draw, ui_size::meta, ImVec2(at.x + line + px(6), at.y), ui_color::error, error.c_str(),
              inner - line - px(6));
    ImGui::Dummy(ImVec2(inner, text_size(ui_size::meta, error.c_str(), inner - line - px(6)).y));
  }
  draw_file_problems(in, inner, px);

  ImGui::EndGroup();
  const float bottom = ImGui::GetItemRectMax().y + pad;
  // Close, top right.
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + pad - px(2)));
  if (panel_button("Close", origin.x + width - pad, in.layout.toggle_button, px)) intent.close = true;

  draw->ChannelsSetCurrent(0);
  draw->AddRectFilled(origin, ImVec2(origin.x + width, bottom), ui_color::card, px(12));
  draw->AddRect(origin, ImVec2(origin.x + width, bottom), ui_color::card_border, px(12), ImDrawFlags_None, px(1));
  draw->ChannelsMerge();
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom));
  ImGui::Dummy(ImVec2(width, 0));
  return intent;
}

void draw_drop_overlay(const app_state& state, const ui_scale& px) {
  const ingest_state& in = state.ingest;
  if (!in.drop_hover) return;
  const bool taken = in.panel_open && in.admin_token[0] != '\0';
  if (taken) return;  // the panel's drop zone lights up instead
  if (!in.panel_open) return;  // a drop is an image to search with: query_image_card.cpp draws that overlay
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 min = viewport->Pos, max(viewport->Pos.x + viewport->Size.x, viewport->Pos.y + viewport->Size.y);
  draw->AddRectFilled(min, max, ui_color::rgb(17, 19, 24, 200));
  const char* text = "Type the admin token first: files dropped now are not taken.";
  const float width = std::min(viewport->Size.x - px(40), px(560));
  ImGui::PushFont(nullptr, ui_size::lead);
  draw_text_centered(draw, ui_size::lead, min.x + (viewport->Size.x - width) * 0.5f,
                     min.y + viewport->Size.y * 0.45f, width, ui_color::amber, text);
  ImGui::PopFont();
}

}  // namespace polylens::web
