// Text entry through a hidden DOM <input>, because a <canvas> receives no text from input methods (IME, dictation,
// virtual keyboards) nor from synthetic `input` events such as Playwright's keyboard.insertText.
//
// The <input id="text-input"> in index.html is transparent (opacity 0, never display:none, which would make it
// unfocusable) and ignores the mouse; it sits over the ImGui text field being edited (the query box, or the
// admin token in the Add-images panel) so the IME candidate window appears there. For the token it becomes a
// password input, so on-screen keyboards neither suggest nor learn what is typed.
// While ImGui wants text (io.WantTextInput) the input has the focus. Its committed text (an `input` event outside
// a composition, or `compositionend`) goes to polylens_text_input() -> io.AddInputCharactersUTF8(), and the input
// is emptied again. Keys keep reaching ImGui through Emscripten's GLFW (keydown/keyup, captured on window), so
// Backspace, Enter, arrows and shortcuts work as before; GLFW's char callback is left out (web_window.cpp), or
// every ASCII character would arrive twice.
#pragma once
#include <string>

namespace polylens::web {

struct css_rect;

// Also registers ImGui's Platform_SetImeDataFn, which reports during EndFrame whether a text field is active in
// this very frame (io.WantTextInput only follows one frame later, which would blur the input just focused).
void text_input_bridge_install();
// Once per frame, after ImGui::Render(): where the text field is (CSS pixels, relative to the canvas), and
// whether it holds a secret. Also hands ImGui pasted text once Ctrl is up: ImGui drops characters that arrive
// while Ctrl is held, and Ctrl+V's paste arrives just then.
void text_input_bridge_update(const css_rect& box, bool secret, float device_pixel_ratio);

}  // namespace polylens::web

// The input method's composition in progress (its preedit text), "" when none; and the IME's caret inside it,
// in bytes. query_text.h shows it in the query box before it is committed.
namespace polylens::web {
const std::string& text_input_bridge_preedit();
int text_input_bridge_preedit_caret();
}  // namespace polylens::web

// Called by text_input_bridge.js with committed UTF-8 text; paste is 1 for pasted or dropped text.
extern "C" void polylens_text_input(const char* utf8, int paste);
// Called by text_input_bridge.js whenever the composition changes (utf8 "" when it ends).
extern "C" void polylens_text_preedit(const char* utf8, int caret_bytes);
