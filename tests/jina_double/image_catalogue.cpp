#include "image_catalogue.h"

#include <algorithm>
#include <stdexcept>

#include "unicode_text.h"

namespace jina_double {

namespace {
std::string fold_tag(std::string_view tag) { return utf32_to_utf8(text_fold(utf8_to_utf32(trim_ascii(tag)))); }

std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string tag = fold_tag(text.substr(start, end - start));
    if (!tag.empty()) tags.push_back(std::move(tag));
    start = end + 1;
  }
  return tags;
}
}  // namespace

std::vector<int> concepts_for_tags(const lexicon& words, const std::vector<std::string>& tags) {
  std::vector<int> out;
  const auto& concepts = words.concepts();
  for (int i = 0; i < static_cast<int>(concepts.size()); ++i) {
    bool applies = std::any_of(concepts[i].match_tags.begin(), concepts[i].match_tags.end(), [&](const std::string& m) {
      return std::find(tags.begin(), tags.end(), fold_tag(m)) != tags.end();
    });
    if (applies) out.push_back(i);
  }
  return out;
}

image_catalogue image_catalogue::load(const std::filesystem::path& assets_dir, const lexicon& words) {
  tsv_table table = tsv_load(assets_dir / "images.tsv");
  std::size_t file_column = table.column("file");
  std::size_t tags_column = table.column("tags");
  image_catalogue out;
  for (const auto& row : table.rows) {
    known_image image;
    image.file = std::string(trim_ascii(row[file_column]));
    if (image.file.empty()) continue;
    image.tags = split_tags(row[tags_column]);
    image.concepts = concepts_for_tags(words, image.tags);
    std::filesystem::path path = assets_dir / "images" / image.file;
    auto decoded = polylens::image_decode(file_read_bytes(path));
    if (!decoded) throw std::runtime_error(path.string() + ": " + decoded.error().message);
    image.signature = image_signature_of(*decoded);
    image.width = decoded->width;
    image.height = decoded->height;
    out.images_.push_back(std::move(image));
  }
  if (out.images_.empty()) throw std::runtime_error((assets_dir / "images.tsv").string() + " lists no images");
  return out;
}

int image_catalogue::find(std::string_view file) const {
  for (std::size_t i = 0; i < images_.size(); ++i)
    if (images_[i].file == file) return static_cast<int>(i);
  return -1;
}

image_match image_catalogue::match(const image_signature& signature) const {
  image_match out;
  for (int i = 0; i < static_cast<int>(images_.size()); ++i) {
    float d = signature_distance(signature, images_[i].signature);
    if (out.nearest < 0 || d < out.distance) {
      out.nearest = i;
      out.distance = d;
    }
  }
  if (out.nearest >= 0 && out.distance <= match_threshold) out.index = out.nearest;
  return out;
}

}  // namespace jina_double
