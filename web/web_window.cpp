#include "web_window.h"

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cmath>

namespace polylens::web {

namespace {

constexpr const char* canvas_selector = "#canvas";
float ui_zoom = 1.0f;

EM_JS(void, js_set_canvas_cursor, (const char* css_cursor), {
  Module["canvas"].style.cursor = UTF8ToString(css_cursor);
});

// Copy goes to the system clipboard when the browser allows it (a user gesture on a secure origin); paste needs
// nothing here: the browser pastes into the hidden input and text_input_bridge forwards it.
EM_JS(void, js_write_clipboard, (const char* text), {
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(UTF8ToString(text)).catch(function() {});
  }
});

// Mimics ImGui_ImplEmscripten_WheelCallback (imgui_impl_glfw.cpp): 100 pixels or 3 lines make one step.
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* event, void*) {
  float step = 0.0f;
  if (event->deltaMode == DOM_DELTA_PIXEL) step = 1.0f / 100.0f;
  else if (event->deltaMode == DOM_DELTA_LINE) step = 1.0f / 3.0f;
  else if (event->deltaMode == DOM_DELTA_PAGE) step = 80.0f;
  ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(-event->deltaX) * step, static_cast<float>(-event->deltaY) * step);
  return EM_TRUE;  // the page itself never scrolls
}

}  // namespace

canvas_metrics web_window_measure() {
  double css_width = 0, css_height = 0;
  emscripten_get_element_css_size(canvas_selector, &css_width, &css_height);
  canvas_metrics metrics;
  metrics.device_pixel_ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (metrics.device_pixel_ratio <= 0) metrics.device_pixel_ratio = 1;
  metrics.width = std::max(1, static_cast<int>(std::lround(css_width * metrics.device_pixel_ratio)));
  metrics.height = std::max(1, static_cast<int>(std::lround(css_height * metrics.device_pixel_ratio)));
  metrics.device_pixel_ratio *= ui_zoom;
  return metrics;
}

void web_window_set_ui_zoom(float zoom) { ui_zoom = zoom > 0 ? zoom : 1.0f; }

void web_window_install(GLFWwindow* window) {
  glfwSetWindowFocusCallback(window, ImGui_ImplGlfw_WindowFocusCallback);
  glfwSetCursorEnterCallback(window, ImGui_ImplGlfw_CursorEnterCallback);
  glfwSetCursorPosCallback(window, ImGui_ImplGlfw_CursorPosCallback);
  glfwSetMouseButtonCallback(window, ImGui_ImplGlfw_MouseButtonCallback);
  glfwSetKeyCallback(window, ImGui_ImplGlfw_KeyCallback);
  // No glfwSetCharCallback: see text_input_bridge.h.
  emscripten_set_wheel_callback(canvas_selector, nullptr, false, on_wheel);

  ImGuiIO& io = ImGui::GetIO();
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;  // the GLFW backend's cursor calls are no-ops here
  ImGuiPlatformIO& platform_io = ImGui::GetPlatformIO();
  platform_io.Platform_SetClipboardTextFn = [](ImGuiContext*, const char* text) { js_write_clipboard(text); };
  platform_io.Platform_GetClipboardTextFn = [](ImGuiContext*) -> const char* { return nullptr; };
}

canvas_metrics web_window_fit_canvas() {
  canvas_metrics wanted = web_window_measure();
  int width = 0, height = 0;
  emscripten_get_canvas_element_size(canvas_selector, &width, &height);
  if (width != wanted.width || height != wanted.height)
    emscripten_set_canvas_element_size(canvas_selector, wanted.width, wanted.height);
  return wanted;
}

void web_window_set_cursor(ImGuiMouseCursor cursor) {
  static ImGuiMouseCursor shown = ImGuiMouseCursor_COUNT;
  if (cursor == shown) return;
  shown = cursor;
  const char* css = "default";
  switch (cursor) {
    case ImGuiMouseCursor_TextInput: css = "text"; break;
    case ImGuiMouseCursor_Hand: css = "pointer"; break;
    case ImGuiMouseCursor_ResizeAll: css = "move"; break;
    case ImGuiMouseCursor_ResizeNS: css = "ns-resize"; break;
    case ImGuiMouseCursor_ResizeEW: css = "ew-resize"; break;
    case ImGuiMouseCursor_ResizeNESW: css = "nesw-resize"; break;
    case ImGuiMouseCursor_ResizeNWSE: css = "nwse-resize"; break;
    case ImGuiMouseCursor_NotAllowed: css = "not-allowed"; break;
    case ImGuiMouseCursor_None: css = "none"; break;
    default: break;
  }
  js_set_canvas_cursor(css);
}

}  // namespace polylens::web
