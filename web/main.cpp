// Polylens in the browser: set up GLFW, ImGui and the page, then hand one frame function to the browser's loop.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app_actions.h"
#include "app_state.h"
#include "app_ui.h"
#include "browser_text.h"
#include "file_drop.h"
#include "font_loader.h"
#include "image_query.h"
#include "kiosk.h"
#include "proxy_endpoint.h"
#include "ingest_actions.h"
#include "result_detail.h"
#include "results_view.h"
#include "test_hook.h"
#include "text_input_bridge.h"
#include "thumbnail_cache.h"
#include "ui_theme.h"
#include "text_scripts.h"
#include "web_window.h"

namespace {

using namespace polylens::web;

// Everything the page owns, for as long as the page lives (callbacks hold references into it).
struct app {
  GLFWwindow* window = nullptr;
  app_state state;
  thumbnail_cache thumbnails;
  font_loader fonts;
  float device_pixel_ratio = 0;  // as the style was last built for
};
app the_app;

EM_JS(void, page_show_fatal, (const char* message), {
  var overlay = document.getElementById('overlay');
  overlay.textContent = UTF8ToString(message);
  overlay.classList.add('fatal');
});
// Also marks the first frame for bench/web_client.mjs (navigation start to first frame).
EM_JS(void, page_hide_overlay, (), {
  document.getElementById('overlay').hidden = true;
  performance.mark('polylens-first-frame');
});

void frame() {
  app& a = the_app;
  const double frame_start = emscripten_get_now();
  glfwPollEvents();

  // Between frames: size the canvas, restyle for a new pixel ratio, take in fonts and thumbnails that arrived.
  const canvas_metrics canvas = web_window_fit_canvas();
  if (canvas.device_pixel_ratio != a.device_pixel_ratio) {
    a.device_pixel_ratio = canvas.device_pixel_ratio;
    ui_theme_apply(a.device_pixel_ratio);
  }
  if (browser_text_scripts_seen() & polylens::script_cjk) font_loader_want_cjk(a.fonts);  // first CJK content
  font_loader_add_arrived(a.fonts, ui_size::body);
  a.state.fonts_loaded = font_loader_done(a.fonts);
  browser_text_new_frame(a.fonts.cjk.added);
  thumbnail_cache_upload_decoded(a.thumbnails);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(canvas.width), static_cast<float>(canvas.height));
  io.DisplayFramebufferScale = ImVec2(1, 1);  // ImGui works in device pixels here (web_window.h)
  ImGui::NewFrame();

  results_view_keyboard(a.state);  // '/', arrows, Enter, Esc, M
  const ui_intent intent = app_ui_draw(a.state, a.thumbnails, a.device_pixel_ratio);
  draw_result_detail(a.state, a.thumbnails, a.device_pixel_ratio);  // the enlarged card, over the page
  kiosk_draw_attract(a.state, ui_scale{a.device_pixel_ratio});      // kiosk mode's "touch to search"
  ImGui::Render();
  text_input_bridge_update(a.state.text_box, a.state.text_secret, a.device_pixel_ratio);
  web_window_set_cursor(ImGui::GetMouseCursor());

  glViewport(0, 0, canvas.width, canvas.height);
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(ui_color::background);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  if (intent.search) {
    a.state.drop_hint.clear();
    app_search(a.state, a.thumbnails);
  }
  if (intent.retry_connection) app_check_health(a.state);
  if (intent.toggle_ingest_panel && !a.state.kiosk.enabled) {
    ingest_state& ingest = a.state.ingest;
    ingest.panel_open = !ingest.panel_open;
    ingest.focus_token = ingest.panel_open && ingest.admin_token[0] == '\0';
    a.state.drop_hint.clear();
  }
  if (intent.cancel_ingest) ingest_cancel(a.state);
  if (intent.retry_ingest) ingest_retry(a.state);
  results_view_after_frame(a.state, a.thumbnails);  // "more like this", the ARIA live regions
  kiosk_update(a.state, a.thumbnails);              // idle timeout, attract loop
  if (a.state.frame++ == 0) page_hide_overlay();
  a.state.frame_ms_total += emscripten_get_now() - frame_start;
}

}  // namespace

int main() {
  app& a = the_app;
  // Before GLFW: the UI's zoom, and kiosk input listeners that must run ahead of GLFW's own (kiosk.h).
  kiosk_install(a.state);
  if (!glfwInit()) {
    page_show_fatal("Polylens could not start its window system.");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  const canvas_metrics canvas = web_window_measure();
  a.window = glfwCreateWindow(canvas.width, canvas.height, "Polylens", nullptr, nullptr);
  if (!a.window) {
    page_show_fatal("Polylens needs WebGL 2, which this browser did not provide.");
    return 1;
  }
  glfwMakeContextCurrent(a.window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to remember between visits, and no filesystem to keep it in
  io.LogFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(a.window, false);  // callbacks: web_window_install(), without the char callback
  web_window_install(a.window);
  ImGui_ImplOpenGL3_Init("#version 300 es");

  text_input_bridge_install();
  if (!a.state.kiosk.enabled) file_drop_install(a.state);  // dropped files only ever go to Add images (admin)
  image_query_install(a.state, a.thumbnails);
  results_view_install(a.state);
  test_hook_install(a.state, a.thumbnails);
  font_loader_start(a.fonts);
  proxy_endpoint_resolve([] { app_check_health(the_app.state); });  // ?proxy=, config.json or this origin

  emscripten_set_main_loop(frame, 0, true);  // never returns: the browser calls frame() on each animation frame
  return 0;
}
