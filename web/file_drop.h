// Files dropped on the page. file_drop.js listens for drag-and-drop on the document, lists dropped folders
// (DataTransferItem.webkitGetAsEntry, recursively), and keeps only the browser's File handles: a file's bytes
// are read when ingest_actions asks for them, one file at a time, copied into WebAssembly memory for the call
// and let go. Folders contribute JPEG, PNG, GIF and BMP files by name; files dropped directly are all tried
// (the decoder says what is wrong with one). Sizes are known before reading, so an oversized file is refused
// unread.
#pragma once

namespace polylens::web {

struct app_state;

void file_drop_install(app_state& state);
// Asks the browser for one file's bytes; ingest_file_arrived or ingest_file_unreadable follows, later.
void file_drop_read(int file_number);
// Lets go of the browser's handles on the previous run's files (a new run numbers from 0 again).
void file_drop_forget();

}  // namespace polylens::web

// Called by file_drop.js.
extern "C" {
void polylens_drop_hover(int active);
int polylens_drop_begin();  // 0: refused, 1: files to add, 2: an image to search with (image_query.h)
void polylens_drop_file(int file_number, const char* name, double size_bytes);
void polylens_drop_end(int skipped, const char* skipped_example);
void polylens_file_bytes(int file_number, const unsigned char* bytes, int size);
void polylens_file_unreadable(int file_number, const char* reason);
}
