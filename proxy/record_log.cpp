#include "record_log.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crc32c.h"

namespace polylens {

namespace {

constexpr char record_magic[4] = {'P', 'L', 'R', '1'};

std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void store_u32(char* p, std::uint32_t v) { std::memcpy(p, &v, 4); }

// What a check of the record at one offset found.
struct record_check {
  enum class verdict { valid, broken, impossible } status = verdict::broken;
  std::uint32_t payload_bytes = 0;
  std::string reason;
};

record_check check_record(const char* base, std::uint64_t size, std::uint64_t at) {
  record_check c;
  std::uint64_t left = size - at;
  if (left < record_log::header_bytes) {
    c.reason = "an incomplete record header (" + std::to_string(left) + " of " +
               std::to_string(record_log::header_bytes) + " bytes)";
    return c;
  }
  const char* h = base + at;
  if (std::memcmp(h, record_magic, 4) != 0) {
    c.reason = "no record starts there (the magic bytes are missing)";
    return c;
  }
  if (crc32c(h, 12) != load_u32(h + 12)) {
    c.reason = "the record header fails its checksum";
    return c;
  }
  c.payload_bytes = load_u32(h + 4);
  if (c.payload_bytes > record_log::max_payload_bytes) {
    c.status = record_check::verdict::impossible;
    c.reason = "the record claims an impossible length of " + std::to_string(c.payload_bytes) + " bytes (at most " +
               std::to_string(record_log::max_payload_bytes) + ")";
    return c;
  }
  if (left - record_log::header_bytes < c.payload_bytes) {
    c.reason = "an incomplete record (" + std::to_string(left - record_log::header_bytes) + " of " +
               std::to_string(c.payload_bytes) + " payload bytes)";
    return c;
  }
  if (crc32c(h + record_log::header_bytes, c.payload_bytes) != load_u32(h + 8)) {
    c.reason = "the record's payload fails its checksum";
    return c;
  }
  c.status = record_check::verdict::valid;
  return c;
}

// The first offset after `from` where a whole, valid record starts, if any.
std::optional<std::uint64_t> next_valid_record(const char* base, std::uint64_t size, std::uint64_t from) {
  for (std::uint64_t at = from + 1; at + record_log::header_bytes <= size;) {
    const void* hit = std::memchr(base + at, record_magic[0], size - at);
    if (!hit) return std::nullopt;
    at = static_cast<std::uint64_t>(static_cast<const char*>(hit) - base);
    if (at + record_log::header_bytes > size) return std::nullopt;
    if (check_record(base, size, at).status == record_check::verdict::valid) return at;
    ++at;
  }
  return std::nullopt;
}

api_error damaged(const std::string& path, std::uint64_t offset, const std::string& what) {
  return {error_type::backend_error,
          "the store log " + path + " is damaged at byte " + std::to_string(offset) + ": " + what +
              ". The store was not opened, so that nothing is served from a damaged log; restore the file from a "
              "backup, or move it away to start an empty store"};
}

// A read-only view of the whole file for the replay.
struct mapped_file {
  const char* data = nullptr;
  std::uint64_t size = 0;
  ~mapped_file() {
    if (data) ::munmap(const_cast<char*>(data), size);
  }
};

}  // namespace

std::string record_log::header_for(std::string_view payload) {
  std::string h(header_bytes, '\0');
  std::memcpy(h.data(), record_magic, 4);
  store_u32(h.data() + 4, static_cast<std::uint32_t>(payload.size()));
  store_u32(h.data() + 8, crc32c(payload.data(), payload.size()));
  store_u32(h.data() + 12, crc32c(h.data(), 12));
  return h;
}

result<std::unique_ptr<record_log>> record_log::create(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return io_error("create", path, errno);
  return std::unique_ptr<record_log>(new record_log(std::move(fd), path, 0));
}

result<std::unique_ptr<record_log>> record_log::open(const std::string& path, const visitor& visit,
                                                     log_replay_report* report, bool sync) {
  unique_fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return io_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
  log_replay_report local;
  log_replay_report& r = report ? *report : local;
  r = {};

  std::uint64_t keep = 0;  // the end of the last valid record
  {
    mapped_file map;
    map.size = static_cast<std::uint64_t>(st.st_size);
    if (map.size > 0) {
      void* p = ::mmap(nullptr, map.size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
      if (p == MAP_FAILED) return io_error("map", path, errno);
      map.data = static_cast<const char*>(p);
      ::madvise(p, map.size, MADV_SEQUENTIAL);
    }
    std::uint64_t at = 0;
    while (at < map.size) {
      record_check c = check_record(map.data, map.size, at);
      if (c.status == record_check::verdict::impossible) return damaged(path, at, c.reason);
      if (c.status == record_check::verdict::broken) {
        if (auto next = next_valid_record(map.data, map.size, at))
          return damaged(path, at, c.reason + ", and a valid record follows at byte " + std::to_string(*next));
        r.truncated_bytes = map.size - at;
        r.truncated_reason = "byte " + std::to_string(at) + ": " + c.reason;
        break;
      }
      if (auto problem = visit(at, std::string_view(map.data + at + header_bytes, c.payload_bytes)))
        return damaged(path, at, *problem);
      ++r.records;
      at += header_bytes + c.payload_bytes;
      keep = at;
    }
  }
  if (r.truncated_bytes > 0) {
    if (::ftruncate(fd.get(), static_cast<off_t>(keep)) != 0) return io_error("truncate", path, errno);
    if (sync)
      if (auto s = sync_data(fd.get(), path); !s) return s.error();
  }
  r.bytes = keep;
  return std::unique_ptr<record_log>(new record_log(std::move(fd), path, keep));
}

result<std::uint64_t> record_log::append(std::string_view payload) {
  if (broken_) return *broken_;
  if (payload.size() > max_payload_bytes)
    return api_error{error_type::internal_error, "a record of " + std::to_string(payload.size()) +
                                                     " bytes is over the log's limit of " +
                                                     std::to_string(max_payload_bytes)};
  // One write for header and payload: an interrupted append then leaves at most one broken record.
  std::string record = header_for(payload);
  record.append(payload);
  auto written = write_all_at(fd_.get(), record.data(), record.size(), size_, path_);
  if (!written) {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0)
      broken_ = api_error{error_type::backend_unavailable,
                          written.error().message + ", and the partial record could not be cut off (" +
                              std::strerror(errno) + "); reopen the store"};
    return written.error();
  }
  std::uint64_t payload_at = size_ + header_bytes;
  size_ += record.size();
  return payload_at;
}

result<bool> record_log::sync() {
  if (broken_) return *broken_;
  auto synced = sync_data(fd_.get(), path_);
  if (!synced)
    broken_ = api_error{error_type::backend_unavailable,
                        synced.error().message + "; what the disk kept is unknown until the store is reopened"};
  return synced;
}

result<bool> record_log::commit_as(const std::string& path) {
  if (auto s = sync(); !s) return s;
  if (::rename(path_.c_str(), path.c_str()) != 0)
    return io_error("rename " + path_ + " to", path, errno);
  path_ = path;
  std::string folder = std::filesystem::path(path).parent_path().string();
  return sync_directory(folder.empty() ? "." : folder);
}

}  // namespace polylens
