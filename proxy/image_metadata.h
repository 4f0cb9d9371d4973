// Sidecar metadata for a folder of images: a TSV with a header row and a `file` column, or a JSON
// array of objects with the same keys. The other columns Polylens reads are tags (comma-separated,
// or an array in JSON), caption, title, licence, author, source_url, notes and credit.
// assets/images.tsv is one.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "result.h"

namespace polylens {

struct image_metadata {
  std::string title;
  std::string caption;
  std::vector<std::string> tags;
  std::string licence;
  std::string credit;  // the attribution line to show with the image, when its licence asks for one
  std::string source_url;
};

// file name -> metadata
// A .json path is read as JSON, anything else as TSV.
result<std::map<std::string, image_metadata>> image_metadata_load(const std::string& path);

// What to show when there is no sidecar row: the file name without folders and extension, dashes as spaces.
std::string title_from_file_name(const std::string& file_name);

}  // namespace polylens
