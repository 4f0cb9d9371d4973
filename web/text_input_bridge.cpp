#include "text_input_bridge.h"

#include <emscripten.h>
#include <imgui.h>

#include "app_state.h"

// Implemented in text_input_bridge.js.
extern "C" {
void polylens_js_text_input_install();
void polylens_js_text_input_update(int wants_text, float x, float y, float w, float h, float caret_x, int secret);
}

namespace polylens::web {

namespace {
ImGuiPlatformImeData ime;  // as ImGui reported at the end of the last frame
}  // namespace

void text_input_bridge_install() {
  ImGui::GetPlatformIO().Platform_SetImeDataFn = [](ImGuiContext*, ImGuiViewport*, ImGuiPlatformImeData* data) {
    ime = *data;
  };
  polylens_js_text_input_install();
}

void text_input_bridge_update(const css_rect& box, bool secret, float device_pixel_ratio) {
  // The text caret, so an IME's candidate window opens next to what is being typed.
  const float caret_x = ime.WantVisible ? ime.InputPos.x / device_pixel_ratio : box.x;
  polylens_js_text_input_update(ime.WantTextInput ? 1 : 0, box.x, box.y, box.w, box.h, caret_x, secret ? 1 : 0);
}

}  // namespace polylens::web

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_text_input(const char* utf8) {
  ImGui::GetIO().AddInputCharactersUTF8(utf8);
}
