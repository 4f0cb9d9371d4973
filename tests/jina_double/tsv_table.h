// The assets' TSV files: a header row, then rows of tab-separated cells (no quoting, no escapes).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace jina_double {

struct tsv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // every row padded to the header's width

  // The index of a header cell; throws std::runtime_error naming the column when it is missing.
  std::size_t column(std::string_view name) const;
};

tsv_table tsv_parse(std::string_view text);

// Throws std::runtime_error naming the file when it cannot be read.
tsv_table tsv_load(const std::filesystem::path& path);
std::string file_read_bytes(const std::filesystem::path& path);

// Trims ASCII white space; the TSVs are hand-edited.
std::string_view trim_ascii(std::string_view text);

}  // namespace jina_double
