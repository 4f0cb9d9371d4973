// Shared by the embedded store's tests and its crash-test writer: a fresh directory per test, and
// documents whose every byte follows from their id, so a reader can tell an intact document from a
// damaged one without having seen it written.
#pragma once
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "vector_documents.h"

namespace polylens::testing {

// A unit vector of `dims` values drawn from N(0, 1), the same for the same seed.
inline std::vector<float> unit_vector(std::uint64_t seed, int dims) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<std::size_t>(dims));
  double norm = 0;
  for (auto& x : v) {
    x = normal(rng);
    norm += double(x) * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

inline std::uint64_t seed_of(const std::string& id) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A document derived from its id alone: vectors for each of `dims`, metadata, a thumbnail of
// `thumbnail_bytes` (0: a length that also follows from the id, 1..60 KB, so some writes span
// many pages).
inline image_document derived_document(const std::string& id, const std::vector<int>& dims,
                                       std::size_t thumbnail_bytes = 0) {
  const std::uint64_t seed = seed_of(id);
  image_document d;
  d.id = id;
  d.file = "photos/" + id + ".jpg";
  d.title = "Photo " + id;
  d.caption = "A caption for " + id;
  d.tags = {"all", "group" + std::to_string(seed % 7)};
  d.licence = seed % 2 ? "CC BY 4.0" : "CC0";
  d.credit = seed % 2 ? "Photo by someone, " + id : "";
  d.source_url = "https://example.org/" + id;
  d.width = 640 + static_cast<int>(seed % 100);
  d.height = 480;
  if (thumbnail_bytes == 0) thumbnail_bytes = 1000 + seed % 60000;
  d.thumbnail_jpeg.resize(thumbnail_bytes);
  std::mt19937_64 rng(seed ^ 0x7468756d62ull);
  for (auto& c : d.thumbnail_jpeg) c = static_cast<char>(rng());
  for (int n : dims) d.vectors[n] = unit_vector(seed + static_cast<std::uint64_t>(n), n);
  return d;
}

// A fresh directory, removed afterwards.
class scratch_directory {
 public:
  explicit scratch_directory(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() / ("polylens-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_directory() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace polylens::testing
