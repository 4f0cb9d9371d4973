// Adding dropped images to the index, as verbs. The browser hands over dropped files one by one (file_drop);
// each is read only when its turn comes, hashed (the id: content_hash of the original bytes, as the indexer
// gives it), decoded and shrunk to 512 px here in WebAssembly (image_prepare), and sent with others in batches
// to POST /api/v1/images, one batch at a time. Memory stays bounded: one file being read, one batch filling,
// at most one full batch waiting, one on its way.
//
// What becomes of every file is in app_state.ingest: created, exists (duplicate), failed with the reason, or
// not processed (cancelled). A batch that fails as a whole (no network, 5xx, the admin token refused) stops
// the run with its files marked "not uploaded" and a line in batch_errors; Retry sends them again. A 429
// is waited out (Retry-After) and the batch sent again, up to a few times.
#pragma once
#include <string>
#include <string_view>

#include "app_state.h"

namespace polylens::web {

// --- From the browser's drop events (file_drop.cpp) -----------------------------------------------------------
// A drop has begun. False when the page does not take it (the panel is closed, or no admin token yet): the
// state then says why, and the browser forgets the files.
bool ingest_drop_begin(app_state& state);
// One dropped file (numbered by the browser from 0 in this run), before any of its bytes are read.
void ingest_drop_add(app_state& state, int file_number, std::string name, double size_bytes);
// The drop's folders are listed. skipped: files in them that are not JPEG, PNG, GIF or BMP by name.
void ingest_drop_end(app_state& state, int skipped, std::string skipped_example);
void ingest_file_arrived(app_state& state, int file_number, std::string_view bytes);
void ingest_file_unreadable(app_state& state, int file_number, std::string reason);

// --- From the panel's buttons --------------------------------------------------------------------------------
// Stops reading and sending; a batch already on its way is let finish (the proxy stores a batch whole or
// not at all), so its files get their real outcome. The rest are "not processed". After a failed batch, it
// gives up on what is left instead of retrying.
void ingest_cancel(app_state& state);
// After a batch failed as a whole: sends its files again and goes on with the rest.
void ingest_retry(app_state& state);

}  // namespace polylens::web
