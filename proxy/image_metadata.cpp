#include "image_metadata.h"

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace polylens {

namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream in(line);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::string trim(const std::string& s) {
  auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// CC BY asks for attribution wherever the photo is shown. MS-COCO keeps only the Flickr page, so
// the line names that page, as ../shared/data/LICENSE-NOTES.md suggests.
std::string credit_line(const std::string& licence, const std::string& author, const std::string& source_url,
                        const std::string& notes) {
  if (licence.rfind("CC-BY", 0) != 0) return "";
  std::string pretty = licence;  // CC-BY-2.0 -> CC BY 2.0
  for (auto& c : pretty)
    if (c == '-') c = ' ';
  std::smatch m;
  static const std::regex coco_id("COCO 2017 image id ([0-9]+)");
  if (source_url.find("flickr.com") != std::string::npos && std::regex_search(notes, m, coco_id))
    return "Photo: Flickr " + source_url + ", " + pretty + ", via MS-COCO 2017 (image id " + m[1].str() + ")";
  return "Photo: " + (author.empty() ? source_url : author) + ", " + pretty +
         (source_url.empty() || author.empty() ? "" : ", " + source_url);
}

}  // namespace

std::string title_from_file_name(const std::string& file_name) {
  // A file from a subfolder or a dropped folder comes as a relative path: the title is its own name.
  const std::size_t slash = file_name.find_last_of("/\\");
  const std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
  std::string stem = base.substr(0, base.rfind('.'));
  for (auto& c : stem)
    if (c == '-' || c == '_') c = ' ';
  return stem;
}

namespace {

using cell_reader = std::function<std::string(const char* column)>;

// One sidecar row, whatever the file format: `tags` is comma-separated in both.
image_metadata metadata_from_row(const std::string& file, const cell_reader& cell) {
  image_metadata m;
  m.caption = cell("caption");
  m.title = !cell("title").empty() ? cell("title") : !m.caption.empty() ? m.caption : title_from_file_name(file);
  for (const auto& tag : split(cell("tags"), ','))
    if (!trim(tag).empty()) m.tags.push_back(trim(tag));
  m.licence = cell("licence");
  m.source_url = cell("source_url");
  m.credit = !cell("credit").empty() ? cell("credit") : credit_line(m.licence, cell("author"), m.source_url, cell("notes"));
  return m;
}

result<std::map<std::string, image_metadata>> load_tsv(std::ifstream& in, const std::string& tsv_path) {
  std::string line;
  if (!std::getline(in, line)) return api_error{error_type::invalid_request, "the metadata file '" + tsv_path + "' is empty"};
  std::map<std::string, std::size_t> column;
  auto header = split(line, '\t');
  for (std::size_t i = 0; i < header.size(); ++i) column[trim(header[i])] = i;
  if (!column.count("file"))
    return api_error{error_type::invalid_request, "the metadata file '" + tsv_path + "' has no 'file' column in its header"};

  std::map<std::string, image_metadata> out;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    auto cells = split(line, '\t');
    cell_reader cell = [&](const char* name) {
      auto it = column.find(name);
      return it == column.end() || it->second >= cells.size() ? std::string() : trim(cells[it->second]);
    };
    std::string file = cell("file");
    if (file.empty())
      return api_error{error_type::invalid_request, tsv_path + ":" + std::to_string(line_number) + ": no file name"};
    out[file] = metadata_from_row(file, cell);
  }
  return out;
}

// [{"file": "a.jpg", "tags": ["x", "y"], "caption": "..."}, ...]: the TSV's columns as keys; tags may
// also be an array.
result<std::map<std::string, image_metadata>> load_json(std::ifstream& in, const std::string& json_path) {
  auto bad = [&](const std::string& what) { return api_error{error_type::invalid_request, json_path + ": " + what}; };
  auto rows = nlohmann::json::parse(in, nullptr, false);
  if (rows.is_discarded()) return bad("not valid JSON");
  if (!rows.is_array()) return bad("expected an array of objects, one per image, each with a \"file\"");
  std::map<std::string, image_metadata> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string where = "item " + std::to_string(i);
    if (!row.is_object() || !row.contains("file") || !row["file"].is_string() || row["file"].get<std::string>().empty())
      return bad(where + " has no \"file\" name");
    std::string problem;
    cell_reader cell = [&](const char* name) -> std::string {
      if (!row.contains(name)) return "";
      const auto& v = row[name];
      if (v.is_string()) return trim(v.get<std::string>());
      if (std::string(name) == "tags" && v.is_array()) {
        std::string joined;
        for (const auto& t : v)
          if (t.is_string()) joined += (joined.empty() ? "" : ",") + t.get<std::string>();
          else problem = "\"tags\" must hold strings";
        return joined;
      }
      problem = "\"" + std::string(name) + "\" must be a string";
      return "";
    };
    std::string file = row["file"].get<std::string>();
    image_metadata m = metadata_from_row(file, cell);
    if (!problem.empty()) return bad(where + " (" + file + "): " + problem);
    out[file] = std::move(m);
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

result<std::map<std::string, image_metadata>> image_metadata_load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return api_error{error_type::invalid_request, "cannot read the metadata file '" + path + "'"};
  return ends_with(path, ".json") ? load_json(in, path) : load_tsv(in, path);
}

}  // namespace polylens
