#include "tsv_table.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jina_double {

namespace {
std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    cells.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return cells;
}
}  // namespace

std::string_view trim_ascii(std::string_view text) {
  const char* space = " \t\r\n\f\v";
  std::size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  std::size_t last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

std::size_t tsv_table::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw std::runtime_error("TSV has no column '" + std::string(name) + "'");
}

tsv_table tsv_parse(std::string_view text) {
  tsv_table table;
  std::size_t start = 0;
  bool first = true;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim_ascii(line).empty()) continue;
    std::vector<std::string> cells = split_tabs(line);
    if (first) {
      table.header = std::move(cells);
      first = false;
      continue;
    }
    cells.resize(table.header.size());
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string file_read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

tsv_table tsv_load(const std::filesystem::path& path) { return tsv_parse(file_read_bytes(path)); }

}  // namespace jina_double
