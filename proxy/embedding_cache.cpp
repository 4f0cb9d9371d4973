#include "embedding_cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace polylens {

namespace {

// ---- key -----------------------------------------------------------------------------------------

// Bumped whenever what goes into a key changes (normalisation rules, fields), so old files and old
// entries can never answer for a different input.
constexpr std::string_view key_scheme = "polylens embedding cache key v1";

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

struct digest_context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  digest_context() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void add(std::string_view bytes) { EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()); }
  std::array<unsigned char, 32> finish() {
    std::array<unsigned char, 32> out{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), out.data(), &length);
    return out;
  }
};

std::array<unsigned char, 32> sha256(std::string_view bytes) {
  digest_context d;
  d.add(bytes);
  return d.finish();
}

// ---- file format ---------------------------------------------------------------------------------

constexpr char file_magic[8] = {'P', 'L', 'Y', 'L', 'N', 'S', 'E', 'C'};
constexpr std::uint32_t file_version = 1;
constexpr std::size_t header_bytes = 32;
constexpr std::size_t check_bytes = 8;

std::size_t record_bytes(std::size_t dims) { return 32 + dims * 4 + check_bytes; }

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
std::uint64_t get_u64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
void put_check(std::string& out, std::size_t from) {
  auto digest = sha256(std::string_view(out).substr(from));
  out.append(reinterpret_cast<const char*>(digest.data()), check_bytes);
}
bool check_ok(std::string_view covered, const char* check) {
  auto digest = sha256(covered);
  return std::memcmp(digest.data(), check, check_bytes) == 0;
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// glibc's malloc: an 8-byte header, 16-byte granularity, 32 bytes at least (64-bit builds).
constexpr std::size_t malloc_block(std::size_t requested) {
  std::size_t block = (requested + sizeof(std::size_t) + 15) / 16 * 16;
  return block < 32 ? 32 : block;
}

}  // namespace

// ---- key -----------------------------------------------------------------------------------------

std::string embedding_text_normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (ascii_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

embedding_cache_key embedding_cache_key_make(std::string_view embedder, std::string_view model, embed_task task,
                                             embed_kind kind, std::string_view input) {
  // Fields separated by NUL, the input last: no two different tuples hash the same bytes.
  digest_context d;
  d.add(key_scheme);
  d.add(std::string_view("\0", 1));
  d.add(embedder);
  d.add(std::string_view("\0", 1));
  d.add(model);
  d.add(std::string_view("\0", 1));
  d.add(task == embed_task::query ? "retrieval.query" : "document");
  d.add(std::string_view("\0", 1));
  if (kind == embed_kind::text) {
    d.add("text");
    d.add(std::string_view("\0", 1));
    d.add(embedding_text_normalise(input));
  } else {
    d.add("image");
    d.add(std::string_view("\0", 1));
    d.add(input);
  }
  return d.finish();
}

// ---- the LRU -------------------------------------------------------------------------------------

std::size_t embedding_cache::key_hash::operator()(const embedding_cache_key& k) const noexcept {
  std::size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // already a uniform hash
  return h;
}

std::size_t embedding_cache::entry_bytes(std::size_t dims) {
  using index_value = std::pair<const embedding_cache_key, lru_list::iterator>;
  return malloc_block(dims * sizeof(float))                        // the vector's elements
         + malloc_block(2 * sizeof(void*) + sizeof(entry))         // list node: prev, next, key, vector
         + malloc_block(2 * sizeof(void*) + sizeof(index_value))   // hash node: next, (cached hash), key, iterator
         + sizeof(void*);                                          // its bucket slot (load factor <= 1)
}

embedding_cache::embedding_cache(std::size_t budget_bytes, std::size_t dims)
    : budget_(budget_bytes), dims_(dims), entry_bytes_(entry_bytes(dims)) {}

std::optional<std::vector<float>> embedding_cache::get(const embedding_cache_key& key) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->vector;
}

void embedding_cache::put(const embedding_cache_key& key, std::vector<float> vector) {
  if (!enabled() || vector.size() != dims_ || entry_bytes_ > budget_) return;
  std::lock_guard lock(mutex_);
  ++changes_;
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->vector = std::move(vector);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front({key, std::move(vector)});
  index_.emplace(key, lru_.begin());
  evict_locked();
}

void embedding_cache::evict_locked() {
  while (!lru_.empty() && lru_.size() * entry_bytes_ > budget_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

embedding_cache_stats embedding_cache::stats() const {
  std::lock_guard lock(mutex_);
  return {lru_.size(), lru_.size() * entry_bytes_, budget_};
}

std::uint64_t embedding_cache::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

// ---- the file ------------------------------------------------------------------------------------

std::string embedding_cache::save(const std::string& path) const {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  auto fail = [&](const std::string& what) {
    std::string why = what + " " + tmp + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return why;
  };

  // Under the lock for the whole write: this runs at shutdown, when nobody waits on the cache.
  std::lock_guard lock(mutex_);
  std::string buffer(file_magic, sizeof file_magic);
  put_u32(buffer, file_version);
  put_u32(buffer, static_cast<std::uint32_t>(dims_));
  put_u64(buffer, lru_.size());
  put_check(buffer, 0);
  const std::size_t flush_at = 1u << 20;
  for (const auto& e : lru_) {
    std::size_t start = buffer.size();
    buffer.append(reinterpret_cast<const char*>(e.key.data()), e.key.size());
    for (float v : e.vector) put_u32(buffer, std::bit_cast<std::uint32_t>(v));
    put_check(buffer, start);
    if (buffer.size() >= flush_at) {
      if (!write_all(fd, buffer)) return fail("cannot write");
      buffer.clear();
    }
  }
  if (!write_all(fd, buffer)) return fail("cannot write");
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return "cannot close " + tmp + ": " + std::strerror(errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  }
  // The rename itself is durable once the folder is synced.
  std::string folder = std::filesystem::path(path).parent_path().string();
  int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return "";
}

embedding_cache_load_report embedding_cache::load(const std::string& path) {
  embedding_cache_load_report report;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return report;  // absent: a first start
  auto reject = [&](std::uint64_t offset, std::string problem) {
    report.status = embedding_cache_load_report::outcome::rejected;
    report.offset = offset;
    report.problem = std::move(problem);
    report.entries = 0;
    return report;
  };
  std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return reject(0, "cannot read its size: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return reject(0, std::string("cannot open it: ") + std::strerror(errno));

  char header[header_bytes];
  if (size < header_bytes)
    return reject(size, "truncated: the header needs " + std::to_string(header_bytes) + " bytes, the file has " +
                            std::to_string(size));
  in.read(header, header_bytes);
  if (!in) return reject(0, "cannot read the header");
  if (std::memcmp(header, file_magic, sizeof file_magic) != 0)
    return reject(0, "not a Polylens embedding cache (no PLYLNSEC magic)");
  if (!check_ok(std::string_view(header, 24), header + 24)) return reject(24, "the header fails its check");
  if (std::uint32_t version = get_u32(header + 8); version != file_version)
    return reject(8, "format version " + std::to_string(version) + ", this build reads " + std::to_string(file_version));
  if (std::uint32_t dims = get_u32(header + 12); dims != dims_)
    return reject(12, "vectors of " + std::to_string(dims) + " dimensions, this build keeps " + std::to_string(dims_));
  std::uint64_t count = get_u64(header + 16);

  const std::size_t rec = record_bytes(dims_);
  std::vector<entry> staged;
  std::string record(rec, '\0');
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t offset = header_bytes + i * rec;
    if (offset + rec > size)
      return reject(offset, "truncated: entry " + std::to_string(i) + " of " + std::to_string(count) +
                                " is incomplete (the file ends at byte " + std::to_string(size) + ")");
    in.read(record.data(), static_cast<std::streamsize>(rec));
    if (!in) return reject(offset, "cannot read entry " + std::to_string(i));
    if (!check_ok(std::string_view(record).substr(0, rec - check_bytes), record.data() + rec - check_bytes))
      return reject(offset, "entry " + std::to_string(i) + " fails its check");
    entry e;
    std::memcpy(e.key.data(), record.data(), e.key.size());
    e.vector.resize(dims_);
    for (std::size_t d = 0; d < dims_; ++d) {
      e.vector[d] = std::bit_cast<float>(get_u32(record.data() + 32 + 4 * d));
      if (!std::isfinite(e.vector[d]))
        return reject(offset + 32 + 4 * d, "entry " + std::to_string(i) + " holds a value that is not a finite number");
    }
    // Keep what fits the budget (most recently used first); check the rest all the same.
    if ((staged.size() + 1) * entry_bytes_ <= budget_) staged.push_back(std::move(e));
  }
  if (std::uint64_t end = header_bytes + count * rec; size != end)
    return reject(end, std::to_string(size - end) + " unexpected bytes after the last entry");

  std::lock_guard lock(mutex_);
  lru_.clear();
  index_.clear();
  for (auto& e : staged) {
    if (index_.count(e.key)) continue;
    lru_.push_back(std::move(e));
    index_.emplace(lru_.back().key, std::prev(lru_.end()));
  }
  ++changes_;
  report.status = embedding_cache_load_report::outcome::loaded;
  report.entries = lru_.size();
  return report;
}

}  // namespace polylens
