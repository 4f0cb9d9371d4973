// The GLFW window on the page, where Emscripten's GLFW (3.1.6) falls short:
// - HiDPI: the canvas's backing store follows its CSS size x devicePixelRatio, every frame. ImGui works in
//   device pixels (mouse events from GLFW already are), and the UI is scaled by the ratio instead.
// - Input: ImGui's GLFW callbacks minus the char callback (text comes from text_input_bridge, or ASCII would
//   arrive twice), plus a wheel handler (GLFW's quantises small deltas; ImGui's own fix comes bundled with a
//   resize handler that can request fullscreen when the canvas matches the screen size).
// - Mouse cursor and clipboard copy, which Emscripten's GLFW leaves as no-ops.
#pragma once
#include <imgui.h>

struct GLFWwindow;

namespace polylens::web {

struct canvas_metrics {
  int width = 0, height = 0;  // backing store, device pixels (= ImGui's display size)
  float device_pixel_ratio = 1;
};

canvas_metrics web_window_measure();           // what the canvas should be now
void web_window_install(GLFWwindow* window);   // after ImGui_ImplGlfw_InitForOpenGL(window, false)
canvas_metrics web_window_fit_canvas();        // resizes the backing store if needed; call once per frame
void web_window_set_cursor(ImGuiMouseCursor cursor);
// Draws the UI `zoom` times larger (kiosk mode) by reporting a device pixel ratio `zoom` times the real one; the
// backing store stays CSS size x the real ratio. Rectangles the UI reports in "CSS pixels" (ratio-divided) are
// then CSS pixels / zoom.
void web_window_set_ui_zoom(float zoom);

}  // namespace polylens::web
