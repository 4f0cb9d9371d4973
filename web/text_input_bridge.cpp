#include "text_input_bridge.h"

#include <emscripten.h>
#include <imgui.h>

#include <algorithm>

#include "app_state.h"

// Implemented in text_input_bridge.js.
extern "C" {
void polylens_js_text_input_install();
void polylens_js_text_input_update(int wants_text, float x, float y, float w, float h, float caret_x, int secret);
}

namespace polylens::web {

namespace {
ImGuiPlatformImeData ime;  // as ImGui reported at the end of the last frame
std::string preedit;       // the composition in progress, as text_input_bridge.js reported it
// Pasted text not yet handed to ImGui. ImGui drops characters that arrive while Ctrl (without Alt) is held, as
// a shortcut's; but Ctrl+V's paste arrives exactly then. So a paste (and text after it) waits until Ctrl is up.
std::string pasted;
int preedit_caret = 0;
}  // namespace

const std::string& text_input_bridge_preedit() { return preedit; }
int text_input_bridge_preedit_caret() { return preedit_caret; }

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
  ImGuiIO& io = ImGui::GetIO();
  if (!pasted.empty() && !(io.KeyCtrl && !io.KeyAlt)) {
    io.AddInputCharactersUTF8(pasted.c_str());  // taken in at the next NewFrame
    pasted.clear();
  }
}

}  // namespace polylens::web

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_text_input(const char* utf8, int paste) {
  // Typed and composed text goes in at once, in order with the keys around it (Enter right after it, say).
  std::string& pasted = polylens::web::pasted;
  if (paste || !pasted.empty()) pasted += utf8;
  else ImGui::GetIO().AddInputCharactersUTF8(utf8);
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_text_preedit(const char* utf8, int caret_bytes) {
  polylens::web::preedit = utf8;
  polylens::web::preedit_caret = std::clamp(caret_bytes, 0, static_cast<int>(polylens::web::preedit.size()));
}
