#include "image_metadata.h"

#include <fstream>
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
  // A file from a dropped folder comes as a relative path: the title is the file's own name.
  const std::size_t slash = file_name.find_last_of("/\\");
  const std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
  std::string stem = base.substr(0, base.rfind('.'));
  for (auto& c : stem)
    if (c == '-' || c == '_') c = ' ';
  return stem;
}

result<std::map<std::string, image_metadata>> image_metadata_load(const std::string& tsv_path) {
  std::ifstream in(tsv_path);
  if (!in) return api_error{error_type::invalid_request, "cannot read the metadata file '" + tsv_path + "'"};
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
    auto cell = [&](const char* name) {
      auto it = column.find(name);
      return it == column.end() || it->second >= cells.size() ? std::string() : trim(cells[it->second]);
    };
    std::string file = cell("file");
    if (file.empty())
      return api_error{error_type::invalid_request, tsv_path + ":" + std::to_string(line_number) + ": no file name"};
    image_metadata m;
    m.caption = cell("caption");
    m.title = !cell("title").empty() ? cell("title") : !m.caption.empty() ? m.caption : title_from_file_name(file);
    for (const auto& tag : split(cell("tags"), ','))
      if (!trim(tag).empty()) m.tags.push_back(trim(tag));
    m.licence = cell("licence");
    m.source_url = cell("source_url");
    m.credit = !cell("credit").empty() ? cell("credit") : credit_line(m.licence, cell("author"), m.source_url, cell("notes"));
    out[file] = std::move(m);
  }
  return out;
}

}  // namespace polylens
