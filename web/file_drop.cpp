#include "file_drop.h"

#include <emscripten.h>

#include "app_state.h"
#include "ingest_actions.h"

// Implemented in file_drop.js.
extern "C" {
void polylens_js_file_drop_install();
void polylens_js_file_read(int file_number);
void polylens_js_files_forget();
}

namespace polylens::web {

namespace {
app_state* dropped_on = nullptr;  // the page's one app_state (main.cpp), which outlives every event
}  // namespace

void file_drop_install(app_state& state) {
  dropped_on = &state;
  polylens_js_file_drop_install();
}

void file_drop_read(int file_number) { polylens_js_file_read(file_number); }

void file_drop_forget() { polylens_js_files_forget(); }

}  // namespace polylens::web

using namespace polylens::web;

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_drop_hover(int active) {
  if (dropped_on) dropped_on->ingest.drop_hover = active != 0;
}

// 2: with "Add images" closed, a drop is an image to search with (image_query.js takes it from there).
extern "C" EMSCRIPTEN_KEEPALIVE int polylens_drop_begin() {
  if (!dropped_on) return 0;
  if (!dropped_on->ingest.panel_open) return 2;
  return ingest_drop_begin(*dropped_on) ? 1 : 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_drop_file(int file_number, const char* name, double size_bytes) {
  if (dropped_on) ingest_drop_add(*dropped_on, file_number, name, size_bytes);
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_drop_end(int skipped, const char* skipped_example) {
  if (dropped_on) ingest_drop_end(*dropped_on, skipped, skipped_example);
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_file_bytes(int file_number, const unsigned char* bytes, int size) {
  if (dropped_on)
    ingest_file_arrived(*dropped_on, file_number,
                        std::string_view(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size)));
}

extern "C" EMSCRIPTEN_KEEPALIVE void polylens_file_unreadable(int file_number, const char* reason) {
  if (dropped_on) ingest_file_unreadable(*dropped_on, file_number, reason);
}
