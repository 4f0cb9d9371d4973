// The embedding cache: vectors the embedder already computed, so the same query or image never costs
// tokens twice. An LRU bounded by bytes (vector, key and bookkeeping, counted honestly), keyed by a
// SHA-256 of embedder + model + task + input kind + input. Optionally kept in a file across restarts.
// Thread-safe: every member function locks.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace polylens {

struct embedding_cache_stats {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::size_t budget = 0;
};

enum class embed_task { query, document };  // retrieval.query, or no task (the contract, section 2.3)
enum class embed_kind { text, image };

using embedding_cache_key = std::array<unsigned char, 32>;  // SHA-256

// Trims and collapses every run of ASCII whitespace (space, tab, CR, LF, FF, VT) to one space, as the
// model's tokenizer does anyway (XLM-RoBERTa's sentencepiece removes extra whitespace). Case and
// every other character are kept: case can matter to the model, and a false hit would serve the
// wrong vector while a false miss only costs tokens.
std::string embedding_text_normalise(std::string_view text);

// The cache key. A text input is normalised first (embedding_text_normalise); an image is hashed as
// the exact bytes sent to the embedder (callers resize to 512 px before). `embedder` is the endpoint
// URL: a stand-in and the real API never share vectors, even through a cache file.
embedding_cache_key embedding_cache_key_make(std::string_view embedder, std::string_view model, embed_task task,
                                             embed_kind kind, std::string_view input);

// What loading the cache file found. A file that is absent is not a problem; one that is corrupt or
// truncated is ignored as a whole, and `problem` and `offset` say where and why.
struct embedding_cache_load_report {
  enum class outcome { loaded, absent, rejected } status = outcome::absent;
  std::size_t entries = 0;      // loaded (the budget may stop loading early)
  std::uint64_t offset = 0;     // byte offset of the first problem
  std::string problem;          // empty unless rejected
};

class embedding_cache {
 public:
  // budget_bytes 0 turns the cache off: get() always misses and put() keeps nothing.
  explicit embedding_cache(std::size_t budget_bytes, std::size_t dims = 1024);

  bool enabled() const { return budget_ > 0; }
  // A copy of the vector, which becomes the most recently used entry.
  std::optional<std::vector<float>> get(const embedding_cache_key& key);
  // Inserts or refreshes, then evicts least recently used entries until the budget holds. A vector
  // of the wrong size, or one entry larger than the whole budget, is not kept.
  void put(const embedding_cache_key& key, std::vector<float> vector);
  embedding_cache_stats stats() const;
  // Goes up with every put() and every successful load(): tells whether a save would write anything new.
  std::uint64_t changes() const;

  // What one entry costs: the vector's heap block, the LRU list node (key inside), the hash index
  // node and its bucket slot, each rounded as glibc's malloc rounds it.
  static std::size_t entry_bytes(std::size_t dims);

  // The file format (little-endian):
  //   header  "PLYLNSEC" | u32 version | u32 dims | u64 entry count | 8-byte check of the 24 bytes before
  //   entry   32-byte key | dims x f32 | 8-byte check of key and vector
  // The file ends right after the last entry. A check is the first 8 bytes of SHA-256. Entries run
  // from most to least recently used. save() writes a temporary file beside `path`, syncs it and
  // renames it over `path`, so a reader sees the old file or the new one, never half of one.
  // Returns an empty string, or what went wrong.
  std::string save(const std::string& path) const;
  // Replaces the cache's contents with the file's, only when every entry it reads checks out.
  embedding_cache_load_report load(const std::string& path);

 private:
  struct entry {
    embedding_cache_key key;
    std::vector<float> vector;
  };
  struct key_hash {
    std::size_t operator()(const embedding_cache_key& k) const noexcept;
  };
  using lru_list = std::list<entry>;

  void evict_locked();

  std::size_t budget_;
  std::size_t dims_;
  std::size_t entry_bytes_;
  mutable std::mutex mutex_;
  std::uint64_t changes_ = 0;
  lru_list lru_;  // front: most recently used
  std::unordered_map<embedding_cache_key, lru_list::iterator, key_hash> index_;
};

}  // namespace polylens
