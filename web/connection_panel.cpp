#include "connection_panel.h"

#include <imgui.h>

#include <string>

#include "ui_theme.h"

namespace polylens::web {

namespace {

std::string headline(const connection_state& connection) {
  const std::string where = proxy_display_name();
  if (connection.problem == proxy_problem::cors_refused) return "The proxy at " + where + " refused this page's origin";
  return "Cannot reach the proxy at " + where;
}

std::string explanation(const connection_state& connection) {
  const proxy_endpoint& endpoint = proxy_endpoint_current();
  if (connection.problem == proxy_problem::cors_refused)
    return "It answered, but the browser withheld the answer (CORS): the proxy does not list " + endpoint.page_origin +
           " among its allowed origins. Start it with --cors-origins " + endpoint.page_origin +
           " (or POLYLENS_CORS_ORIGINS), then retry.";
  switch (endpoint.source) {
    case proxy_source::query:
      return "Nothing answered there. Is the proxy running, and is the address in ?proxy= right?";
    case proxy_source::config_file:
      return "Nothing answered there. Is the proxy running, and is the address in config.json right?";
    case proxy_source::same_origin:
      break;
  }
  return "Nothing answered. Is the proxy running? A page served from elsewhere names its proxy with ?proxy=URL or "
         "config.json.";
}

}  // namespace

bool draw_connection_panel(app_state& state, float width, const ui_scale& px) {
  connection_state& connection = state.connection;
  connection.retry_button = {};
  if (connection.problem == proxy_problem::none) return false;

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float pad = px(18);
  const float inner = width - 2 * pad;
  const std::string title = headline(connection), body = explanation(connection);
  const float icon = px(20);
  const float title_h = text_size(ui_size::body, title.c_str(), inner - icon - px(10)).y;
  const float body_h = text_size(ui_size::meta, body.c_str(), inner).y;
  const float button_h = font_px(ui_size::body) + px(20);
  const float height = pad + title_h + px(8) + body_h + px(14) + button_h + pad;

  draw->AddRectFilled(top, ImVec2(top.x + width, top.y + height), ui_color::card, px(10));
  draw->AddRect(top, ImVec2(top.x + width, top.y + height), ui_color::error, px(10), 0, px(1.5f));
  float y = top.y + pad;
  draw_warning_icon(draw, ImVec2(top.x + pad + icon * 0.5f, y + title_h * 0.5f), icon, ui_color::error, ui_color::card);
  draw_text(draw, ui_size::body, ImVec2(top.x + pad + icon + px(10), y), ui_color::text, title.c_str(),
            inner - icon - px(10));
  y += title_h + px(8);
  draw_text(draw, ui_size::meta, ImVec2(top.x + pad, y), ui_color::text_dim, body.c_str(), inner);
  y += body_h + px(14);

  bool retry = false;
  ImGui::SetCursorScreenPos(ImVec2(top.x + pad, y));
  if (connection.checking) {
    const float line = font_px(ui_size::body);
    draw_spinner(draw, ImVec2(top.x + pad + line * 0.5f, y + button_h * 0.5f), line * 0.38f, ui_color::accent, px(2));
    draw_text(draw, ui_size::body, ImVec2(top.x + pad + line + px(8), y + (button_h - line) * 0.5f), ui_color::text_dim,
              "Trying again\xE2\x80\xA6");
  } else {
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(22), px(10)));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, px(8));
    retry = ImGui::Button("Retry");
    if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    connection.retry_button = {min.x / px.ratio, min.y / px.ratio, (max.x - min.x) / px.ratio, (max.y - min.y) / px.ratio};
    ImGui::PopStyleVar(2);
  }
  ImGui::SetCursorScreenPos(top);
  ImGui::Dummy(ImVec2(width, height));
  return retry;
}

}  // namespace polylens::web
