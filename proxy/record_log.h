// The embedded store's append-only log: a file of records, each
//   magic "PLR1" | payload length (u32) | CRC-32C of the payload (u32) | CRC-32C of these 12 bytes (u32) | payload
// (little-endian). The header has its own checksum so that a damaged length can never pass for a
// record that runs past the end of the file.
//
// Opening replays every record in order and decides what a failed check means:
//   - nothing valid after it: the tail of an append that never finished (never acknowledged, since
//     an append is only acknowledged after fdatasync). It is cut off, the file synced, and reported.
//   - a valid record after it, or a header that checks out but claims an impossible length: damage.
//     open() fails naming the file and the byte offset; nothing is served from a damaged log.
// A writer keeps at most one unsynced record at the end of the file, so an interrupted write can
// only ever damage the last record, which is what makes this rule sound.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "durable_io.h"
#include "result.h"

namespace polylens {

struct log_replay_report {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;            // kept: the file's size after replay
  std::uint64_t truncated_bytes = 0;  // of an interrupted append, cut off
  std::string truncated_reason;       // what was wrong with it, empty when nothing was cut
};

class record_log {
 public:
  static constexpr std::size_t header_bytes = 16;
  static constexpr std::uint32_t max_payload_bytes = 64u << 20;

  // Sees each valid record: the byte offset of its header and its payload (valid during the call).
  // A returned error stops the replay; open() then fails with it, prefixed by the file and offset.
  using visitor = std::function<std::optional<std::string>(std::uint64_t offset, std::string_view payload)>;

  // Opens an existing log read-write and replays it. sync: make the cut of a torn tail durable at
  // once (without it, the next synced append does; a power cut before that only brings back bytes
  // the next open cuts again).
  static result<std::unique_ptr<record_log>> open(const std::string& path, const visitor& visit,
                                                  log_replay_report* report = nullptr, bool sync = true);
  // Creates an empty log (truncating any file at `path`), for a new store or a compaction.
  static result<std::unique_ptr<record_log>> create(const std::string& path);

  // Writes one record at the end of the file; returns the offset of its payload. Not durable until
  // sync(). On failure the file is cut back to where it was.
  result<std::uint64_t> append(std::string_view payload);
  // fdatasync. After a failed sync, or an append that could not be cut back, nobody knows what the
  // disk kept (the page cache may have dropped the dirty pages), so every later append and sync is
  // refused with the first error: reopening the store replays what is really there.
  result<bool> sync();
  // Syncs the file, renames it to `path` and syncs the directory: afterwards `path` is this log,
  // completely, even after a power cut. Until then it is whatever it was before.
  result<bool> commit_as(const std::string& path);

  result<bool> read_at(std::uint64_t offset, void* out, std::size_t size) const {
    return read_all_at(fd_.get(), out, size, offset, path_);
  }
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // The header for a payload: exposed for tests that build damaged logs by hand.
  static std::string header_for(std::string_view payload);

 private:
  record_log(unique_fd fd, std::string path, std::uint64_t size) : fd_(std::move(fd)), path_(std::move(path)), size_(size) {}

  unique_fd fd_;
  std::string path_;
  std::uint64_t size_ = 0;
  std::optional<api_error> broken_;
};

}  // namespace polylens
