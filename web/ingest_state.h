// The "Add images" panel as plain data: the admin token, the files of the current run and what became of
// each, the batches on their way. ingest_actions writes it, ingest_panel draws it, test_hook serialises it
// (never the token). No GL, no ImGui, no browser calls here.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "api_limits.h"
#include "api_messages.h"
#include "css_rect.h"

namespace polylens::web {

enum class ingest_file_status {
  queued,         // waiting to be read
  reading,        // its bytes are being read by the browser, then hashed and shrunk here
  prepared,       // shrunk, waiting in a batch
  uploading,      // in the batch on its way to the proxy
  created,        // stored: searchable now
  exists,         // a duplicate: already in the index, or the same bytes earlier in this run
  failed,         // see problem and reason
  not_processed,  // cancelled before it was sent
};
const char* ingest_file_status_name(ingest_file_status status);

enum class ingest_problem {
  none,
  undecodable,  // the decoder's reason
  too_large,    // over the byte or pixel limit
  duplicate,    // the proxy said "exists", or the same bytes came earlier in this run
  unreadable,   // the browser could not read the file
  rejected,     // the proxy refused or could not store this one image
  not_uploaded, // its batch failed as a whole (network, 5xx, admin token): Retry sends it again
};
const char* ingest_problem_name(ingest_problem problem);

struct ingest_file {
  std::string name;  // as dropped; a relative path for files inside a dropped folder
  double size_bytes = 0;
  ingest_file_status status = ingest_file_status::queued;
  ingest_problem problem = ingest_problem::none;
  std::string reason;        // for problems: what happened, in words
  std::string id;            // content hash of the file, once read
  int duplicate_of = -1;     // index of the earlier file with the same bytes in this run
};

// Shrunk images waiting to go to the proxy together, in one POST /api/v1/images.
struct ingest_batch {
  std::vector<int> files;  // indices into ingest_state::files, in upload order
  std::vector<image_upload> uploads;
  std::size_t body_bytes = 0;  // roughly: the base64 images
};

// Where the panel's controls were drawn last frame (for the test hook, which only reads).
struct ingest_panel_layout {
  css_rect toggle_button;  // "Add images" / "Close", under the query box
  css_rect token_box;
  css_rect cancel_button;  // w == 0 when not shown
  css_rect retry_button;   // w == 0 when not shown
  css_rect drop_zone;
};

struct ingest_state {
  bool panel_open = false;
  // The admin token, as typed: kept in this tab's memory only, never stored, logged or shown.
  char admin_token[256] = {};
  bool token_focused = false;
  bool focus_token = false;  // give the token field the keyboard on the next frame (the panel just opened)

  std::vector<ingest_file> files;  // this run's, in drop order (index == the browser's file number)
  std::size_t next_to_read = 0;    // the first file that may still be queued
  bool reading = false;            // one file at a time: its bytes are on their way from the browser
  ingest_batch filling;            // prepared, not full yet
  std::vector<ingest_batch> ready; // full, waiting for the one before to finish uploading (at most one)
  bool uploading = false;
  int batches_sent = 0;
  int current_batch = 0;           // number (1-based) of the batch on its way
  int rate_limit_retries = 0;      // of the current batch
  double retry_at_ms = 0;          // a rate-limited batch is sent again at this time (emscripten_get_now)
  std::unordered_map<std::string, int> first_with_id;  // content hash -> first file with it, this run

  int collecting = 0;      // drops whose folders are still being listed by the browser
  bool running = false;    // files are being read, shrunk or uploaded (or a drop is being listed)
  bool cancelled = false;  // the person pressed Cancel during this run
  bool cancelled_in_flight = false;  // ...while a batch was on its way (it was let finish)
  bool stopped = false;    // a batch failed as a whole; Retry resumes
  std::vector<std::string> batch_errors;  // one line per failed batch, newest last
  int skipped_not_images = 0;             // files in dropped folders that are not JPEG, PNG, GIF or BMP
  std::string skipped_example;

  int created = 0, exists = 0, failed = 0, not_processed = 0;
  int batch_size = limits::default_max_batch_size;  // from /healthz when it says

  bool drop_hover = false;  // files are being dragged over the page
  std::string notice;       // a one-line message for the panel (e.g. "type the admin token first")
  ingest_panel_layout layout;
};

// Files with a final outcome (created, exists or failed).
int ingest_done(const ingest_state& ingest);

}  // namespace polylens::web
