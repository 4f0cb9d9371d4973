#include "ingest_actions.h"

#include <emscripten.h>
#include <emscripten/eventloop.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "api_client.h"
#include "api_limits.h"
#include "app_actions.h"
#include "base64.h"
#include "content_hash.h"
#include "file_drop.h"
#include "image_preprocess.h"

namespace polylens::web {

// The state lives as long as the page (one app object in main.cpp), so callbacks and timers may hold it.

namespace {

constexpr int max_rate_limit_retries = 5;
constexpr int default_rate_limit_wait_s = 2;  // when a 429 comes without Retry-After

// --- Bookkeeping ------------------------------------------------------------------------------------------------

int* counter_for(ingest_state& in, ingest_file_status status) {
  switch (status) {
    case ingest_file_status::created: return &in.created;
    case ingest_file_status::exists: return &in.exists;
    case ingest_file_status::failed: return &in.failed;
    case ingest_file_status::not_processed: return &in.not_processed;
    default: return nullptr;
  }
}

// Every status change goes through here, so the counts always match the list.
void set_status(ingest_state& in, int index, ingest_file_status status, ingest_problem problem = ingest_problem::none,
                std::string reason = {}) {
  ingest_file& file = in.files[static_cast<std::size_t>(index)];
  if (int* before = counter_for(in, file.status)) --*before;
  if (int* after = counter_for(in, status)) ++*after;
  file.status = status;
  file.problem = problem;
  file.reason = std::move(reason);
}

bool is_waiting(ingest_file_status status) {
  return status == ingest_file_status::queued || status == ingest_file_status::prepared;
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

// The name the proxy stores: at most the 1024 bytes its `file` field takes, keeping the end of a long path
// (the file's own name) and whole UTF-8 characters. Blank: none (the proxy names it "upload-N").
std::string upload_file_name(const std::string& name) {
  constexpr std::size_t max_bytes = 1000;
  if (name.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  if (name.size() <= max_bytes) return name;
  std::size_t start = name.size() - max_bytes;
  while (start < name.size() && (static_cast<unsigned char>(name[start]) & 0xC0) == 0x80) ++start;
  return "\xE2\x80\xA6" + name.substr(start);  // U+2026
}

std::string mebibytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return text;
}

// The first queued file at or after the cursor, or -1.
int next_queued(ingest_state& in) {
  while (in.next_to_read < in.files.size() && in.files[in.next_to_read].status != ingest_file_status::queued)
    ++in.next_to_read;
  return in.next_to_read < in.files.size() ? static_cast<int>(in.next_to_read) : -1;
}

// Later copies of a file share its fate when it fails: they are not in the index either.
void fail_copies_of(ingest_state& in, int original) {
  const ingest_file& first = in.files[static_cast<std::size_t>(original)];
  for (std::size_t i = 0; i < in.files.size(); ++i) {
    if (in.files[i].duplicate_of != original || in.files[i].status != ingest_file_status::exists) continue;
    set_status(in, static_cast<int>(i), ingest_file_status::failed, first.problem,
               "not stored: the same file as " + quoted(first.name) + ", which failed (" + first.reason + ")");
  }
}

void update_running(ingest_state& in) {
  const bool sending = in.uploading || in.retry_at_ms > 0;
  if (in.cancelled) {
    in.running = sending || in.reading || in.collecting > 0;
  } else if (in.stopped) {
    in.running = in.reading || in.collecting > 0;
  } else {
    in.running = sending || in.reading || in.collecting > 0 || !in.ready.empty() || !in.filling.files.empty() ||
                 next_queued(in) >= 0;
  }
}

void start_run(app_state& state) {
  ingest_state& in = state.ingest;
  file_drop_forget();
  in.files.clear();
  in.next_to_read = 0;
  in.reading = false;
  in.filling = {};
  in.ready.clear();
  in.uploading = false;
  in.batches_sent = 0;
  in.current_batch = 0;
  in.retry_at_ms = 0;
  in.first_with_id.clear();
  in.collecting = 0;
  in.cancelled = false;
  in.cancelled_in_flight = false;
  in.stopped = false;
  in.batch_errors.clear();
  in.skipped_not_images = 0;
  in.skipped_example.clear();
  in.created = in.exists = in.failed = in.not_processed = 0;
  in.notice.clear();
  // The proxy's own limit when /healthz said it; ours otherwise.
  const int from_health = state.health.report ? state.health.report->max_batch_size : 0;
  in.batch_size = from_health > 0 ? from_health : limits::default_max_batch_size;
}

// --- The pipeline -----------------------------------------------------------------------------------------------

void pump(app_state& state);

std::string batch_label(int number, std::size_t images) {
  return "Batch " + std::to_string(number) + " (" + std::to_string(images) + " image" + (images == 1 ? "" : "s") + ")";
}

// What went wrong with a whole batch, in a few words: the status and its type ("admin token rejected: 401
// unauthorized"). The batch's line adds the proxy's own message.
std::string batch_failure_head(const api_failure& failure) {
  if (failure.http_status == 0) return "no answer from the proxy";
  std::string head = std::to_string(failure.http_status) + " " + failure.type;
  if (failure.http_status == 401 || failure.http_status == 403) head = "admin token rejected: " + head;
  return head;
}

ingest_problem problem_for_error_type(const std::string& type) {
  if (type == "invalid_image") return ingest_problem::undecodable;
  if (type == "payload_too_large") return ingest_problem::too_large;
  return ingest_problem::rejected;
}

std::string reason_for(ingest_problem problem, const std::string& message) {
  switch (problem) {
    case ingest_problem::undecodable: return "undecodable: " + message;
    case ingest_problem::too_large: return "too large: " + message;
    default: return "not stored: " + message;
  }
}

void post_batch(app_state& state, std::shared_ptr<ingest_batch> batch);

void on_rate_limit_timer(void* user_data) {
  auto* state = static_cast<app_state*>(user_data);
  ingest_state& in = state->ingest;
  if (in.retry_at_ms == 0 || in.ready.empty()) return;  // cancelled meanwhile
  in.retry_at_ms = 0;
  in.notice.clear();
  // The batch waited in `ready`'s front slot while the timer ran.
  auto batch = std::make_shared<ingest_batch>(std::move(in.ready.front()));
  in.ready.erase(in.ready.begin());
  post_batch(*state, std::move(batch));
}
long rate_limit_timer = 0;

void on_batch_answer(app_state& state, const std::shared_ptr<ingest_batch>& batch, api_outcome<images_response> outcome) {
  ingest_state& in = state.ingest;
  in.uploading = false;
  const std::string label = batch_label(in.current_batch, batch->files.size());

  if (outcome.ok()) {
    std::vector<bool> answered(batch->files.size(), false);
    for (const image_item_outcome& item : outcome.value->items) {
      if (item.index >= batch->files.size() || answered[item.index]) continue;
      answered[item.index] = true;
      const int index = batch->files[item.index];
      ingest_file& file = in.files[static_cast<std::size_t>(index)];
      if (!item.id.empty()) file.id = item.id;
      switch (item.status) {
        case image_item_status::created:
          set_status(in, index, ingest_file_status::created);
          break;
        case image_item_status::exists:
          set_status(in, index, ingest_file_status::exists, ingest_problem::duplicate, "duplicate: already in the index");
          break;
        case image_item_status::failed: {
          const ingest_problem problem = problem_for_error_type(item.error_type);
          set_status(in, index, ingest_file_status::failed, problem, reason_for(problem, item.error_message));
          fail_copies_of(in, index);
          break;
        }
      }
    }
    for (std::size_t n = 0; n < answered.size(); ++n) {
      if (answered[n]) continue;
      set_status(in, batch->files[n], ingest_file_status::failed, ingest_problem::rejected,
                 "not stored: the proxy's answer had no slot for this image");
      fail_copies_of(in, batch->files[n]);
    }
    app_refresh_health(state);  // the header's image count
  } else if (outcome.failure.http_status == 429 && in.rate_limit_retries < max_rate_limit_retries && !in.cancelled) {
    // Waited out, not a failure: the proxy meters admin calls per client.
    ++in.rate_limit_retries;
    const int wait_s = outcome.failure.retry_after_seconds > 0 ? outcome.failure.retry_after_seconds
                                                               : default_rate_limit_wait_s;
    in.retry_at_ms = emscripten_get_now() + wait_s * 1000.0;
    in.notice = "The proxy is rate limiting: " + label + " goes again in " + std::to_string(wait_s) + " s.";
    in.ready.insert(in.ready.begin(), std::move(*batch));
    rate_limit_timer = emscripten_set_timeout(on_rate_limit_timer, wait_s * 1000.0, &state);
    update_running(in);
    return;
  } else {
    const std::string head = batch_failure_head(outcome.failure);
    in.batch_errors.push_back(label + ": " + head +
                              (outcome.failure.http_status == 0
                                   ? " (network error or timeout). If the proxy got the batch after all, Retry "
                                     "reports its images as duplicates."
                                   : ": " + outcome.failure.message));
    for (int index : batch->files) {
      set_status(in, index, ingest_file_status::failed, ingest_problem::not_uploaded,
                 "not uploaded: batch " + std::to_string(in.current_batch) + " failed (" + head + ")");
      fail_copies_of(in, index);
    }
    // Every further batch would fail the same way (token, network, proxy): stop, keep the rest, offer Retry.
    if (!in.cancelled) in.stopped = true;
  }
  pump(state);
}

void post_batch(app_state& state, std::shared_ptr<ingest_batch> batch) {
  ingest_state& in = state.ingest;
  in.uploading = true;
  for (int index : batch->files) set_status(in, index, ingest_file_status::uploading);
  api_add_images(batch->uploads, in.admin_token, [&state, batch](api_outcome<images_response> outcome) {
    on_batch_answer(state, batch, std::move(outcome));
  });
}

void send_next_batch(app_state& state) {
  ingest_state& in = state.ingest;
  auto batch = std::make_shared<ingest_batch>(std::move(in.ready.front()));
  in.ready.erase(in.ready.begin());
  in.current_batch = ++in.batches_sent;
  in.rate_limit_retries = 0;
  post_batch(state, std::move(batch));
}

void close_filling_batch(ingest_state& in) {
  in.ready.push_back(std::move(in.filling));
  in.filling = {};
}

// Moves the run along as far as it can go now: sends a full batch if none is on its way, asks the browser for
// the next file if no full batch is waiting, closes the last partial batch when every file is read.
void pump(app_state& state) {
  ingest_state& in = state.ingest;
  if (!in.cancelled && !in.stopped) {
    const bool can_send = !in.uploading && in.retry_at_ms == 0;
    if (can_send && !in.ready.empty()) send_next_batch(state);
    if (!in.reading && in.ready.empty()) {
      const int next = next_queued(in);
      if (next >= 0) {
        in.reading = true;
        set_status(in, next, ingest_file_status::reading);
        file_drop_read(next);
      } else if (in.collecting == 0 && !in.filling.files.empty()) {
        close_filling_batch(in);
        if (!in.uploading && in.retry_at_ms == 0) send_next_batch(state);
      }
    }
  }
  update_running(in);
}

// Hashes, decodes and shrinks one file's bytes; the result joins the filling batch.
void prepare_file(app_state& state, int index, std::string_view bytes) {
  ingest_state& in = state.ingest;
  ingest_file& file = in.files[static_cast<std::size_t>(index)];
  // The id is the hash of the original bytes, before shrinking: what `polylens index` gives the same file.
  file.id = content_hash(bytes);
  auto [first, inserted] = in.first_with_id.try_emplace(file.id, index);
  if (!inserted && first->second != index) {
    const ingest_file& original = in.files[static_cast<std::size_t>(first->second)];
    if (original.status != ingest_file_status::failed && original.status != ingest_file_status::not_processed) {
      file.duplicate_of = first->second;
      set_status(in, index, ingest_file_status::exists, ingest_problem::duplicate,
                 "duplicate: the same file as " + quoted(original.name) + ", earlier in this drop");
      return;
    }
    first->second = index;  // the earlier copy did not make it: this one stands in for it
  }

  auto prepared = image_prepare(bytes, limits::upload_long_side, limits::upload_jpeg_quality);
  if (!prepared) {
    const api_error& error = prepared.error();
    const ingest_problem problem =
        error.type == error_type::payload_too_large ? ingest_problem::too_large : ingest_problem::undecodable;
    set_status(in, index, ingest_file_status::failed, problem, reason_for(problem, error.message));
    in.first_with_id.erase(file.id);
    return;
  }
  image_upload upload;
  upload.image_base64 = base64_encode(prepared->jpeg);
  upload.id = file.id;
  upload.file = upload_file_name(file.name);
  upload.original_width = prepared->original_width;
  upload.original_height = prepared->original_height;
  const std::size_t bytes_needed = upload.image_base64.size() + file.name.size() + 200;
  if (!in.filling.files.empty() && in.filling.body_bytes + bytes_needed > limits::upload_batch_body_budget)
    close_filling_batch(in);
  in.filling.files.push_back(index);
  in.filling.uploads.push_back(std::move(upload));
  in.filling.body_bytes += bytes_needed;
  set_status(in, index, ingest_file_status::prepared);
  if (static_cast<int>(in.filling.files.size()) >= in.batch_size) close_filling_batch(in);
}

bool valid_file_number(const ingest_state& in, int file_number) {
  return file_number >= 0 && static_cast<std::size_t>(file_number) < in.files.size();
}

// Whether a file that was being read when the bytes come should still be used.
bool still_wanted(const ingest_state& in, int file_number) {
  return valid_file_number(in, file_number) &&
         in.files[static_cast<std::size_t>(file_number)].status == ingest_file_status::reading;
}

}  // namespace

// --- From the browser -------------------------------------------------------------------------------------------

bool ingest_drop_begin(app_state& state) {
  ingest_state& in = state.ingest;
  if (!in.panel_open) {
    // (file_drop.cpp makes such a drop an image query before asking here.)
    state.drop_hint =
        "Dropped files are only added while \xE2\x80\x9C" "Add images\xE2\x80\x9D is open: open it, type the admin token "
        "and drop them again.";
    return false;
  }
  if (in.admin_token[0] == '\0') {
    in.notice = "Type the admin token first: these files were not taken.";
    return false;
  }
  if (in.cancelled && in.running) {
    in.notice = "These files were not taken: the cancelled run is still finishing its last batch. Drop them again "
                "in a moment.";
    return false;
  }
  if (!in.running && !in.stopped) start_run(state);
  ++in.collecting;  // before a retry, so the last partial batch waits for the new files
  in.notice.clear();
  if (in.stopped) ingest_retry(state);  // more files after a failed batch: everything waiting goes, with them
  update_running(in);
  return true;
}

void ingest_drop_add(app_state& state, int file_number, std::string name, double size_bytes) {
  ingest_state& in = state.ingest;
  if (file_number != static_cast<int>(in.files.size())) return;  // numbering out of step with the browser: ignore
  ingest_file file;
  file.name = std::move(name);
  file.size_bytes = size_bytes;
  in.files.push_back(std::move(file));
  if (in.cancelled) {
    set_status(in, file_number, ingest_file_status::not_processed);
  } else if (size_bytes > static_cast<double>(limits::max_image_bytes)) {
    // Refused unread: no need to hold a huge file in memory to say it is too big.
    set_status(in, file_number, ingest_file_status::failed, ingest_problem::too_large,
               "too large: the file is " + mebibytes(size_bytes) + "; the limit is " +
                   mebibytes(static_cast<double>(limits::max_image_bytes)) + " per image");
  }
  pump(state);
}

void ingest_drop_end(app_state& state, int skipped, std::string skipped_example) {
  ingest_state& in = state.ingest;
  in.collecting = std::max(0, in.collecting - 1);
  in.skipped_not_images += skipped;
  if (in.skipped_example.empty()) in.skipped_example = std::move(skipped_example);
  pump(state);
}

void ingest_file_arrived(app_state& state, int file_number, std::string_view bytes) {
  ingest_state& in = state.ingest;
  in.reading = false;
  if (still_wanted(in, file_number)) {
    if (in.cancelled) set_status(in, file_number, ingest_file_status::not_processed);
    else prepare_file(state, file_number, bytes);
  }
  pump(state);
}

void ingest_file_unreadable(app_state& state, int file_number, std::string reason) {
  ingest_state& in = state.ingest;
  in.reading = false;
  if (still_wanted(in, file_number)) {
    if (in.cancelled) set_status(in, file_number, ingest_file_status::not_processed);
    else
      set_status(in, file_number, ingest_file_status::failed, ingest_problem::unreadable,
                 "unreadable: the browser could not read the file (" + reason + ")");
  }
  pump(state);
}

// --- From the panel ---------------------------------------------------------------------------------------------

void ingest_cancel(app_state& state) {
  ingest_state& in = state.ingest;
  if (!in.running && !in.stopped) return;
  in.cancelled = true;
  in.cancelled_in_flight = in.uploading;
  in.stopped = false;
  if (in.retry_at_ms > 0) {  // a rate-limited batch waiting to go again is not on its way: it stays here
    emscripten_clear_timeout(rate_limit_timer);
    in.retry_at_ms = 0;
  }
  for (std::size_t i = 0; i < in.files.size(); ++i)
    if (is_waiting(in.files[i].status)) set_status(in, static_cast<int>(i), ingest_file_status::not_processed);
  for (const ingest_batch& batch : in.ready)
    for (int index : batch.files) set_status(in, index, ingest_file_status::not_processed);
  in.filling = {};
  in.ready.clear();
  in.notice.clear();
  update_running(in);
}

void ingest_retry(app_state& state) {
  ingest_state& in = state.ingest;
  if (!in.stopped) return;
  in.stopped = false;
  for (std::size_t i = 0; i < in.files.size(); ++i) {
    const ingest_file& file = in.files[i];
    if (file.status == ingest_file_status::failed && file.problem == ingest_problem::not_uploaded) {
      set_status(in, static_cast<int>(i), ingest_file_status::queued);
      in.files[i].duplicate_of = -1;
    }
  }
  in.next_to_read = 0;
  in.notice.clear();
  pump(state);
}

}  // namespace polylens::web
