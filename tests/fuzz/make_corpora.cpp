// Writes the fuzz targets' corpora, at build time, from the same fixtures the unit tests use:
//   <out>/seeds/<target>/    valid little files for the fuzzers to start from
//   <out>/corrupt/<target>/  the corrupt-file corpus, replayed by each target under ASan and UBSan
// Built by the main (GCC) build: the fixtures need Debian's libwebp encoder, while the fuzz build
// compiles libwebp's decoder from source.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "corrupt_variants.h"
#include "image_fixtures.h"
#include "png_writer.h"

namespace fs = std::filesystem;
using namespace polylens;
using namespace polylens::fixtures;

namespace {

void write_all(const fs::path& folder, const std::vector<std::string>& files) {
  fs::create_directories(folder);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::ofstream out(folder / std::to_string(i), std::ios::binary);
    out << files[i];
  }
}

std::string half_transparent(int w, int h) {
  std::string rgba;
  for (int i = 0; i < w * h; ++i) rgba += i % w < w / 2 ? std::string("\x20\x80\xE0\xFF", 4) : std::string(4, '\0');
  return rgba;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <output folder>\n";
    return 2;
  }
  const fs::path out = argv[1];
  fs::remove_all(out / "seeds");
  fs::remove_all(out / "corrupt");

  const rgb_image img = quadrants(16, 12);
  const std::string tiny_jpeg = jpeg(quadrants(8, 8), 90);
  std::vector<std::string> exif;
  for (int o = 1; o <= 8; ++o)
    for (bool big_endian : {false, true}) exif.push_back(jpeg_with_orientation(tiny_jpeg, o, big_endian));
  std::string indices;
  for (int i = 0; i < 16 * 12; ++i) indices += static_cast<char>(i % 4);

  const std::map<std::string, std::vector<std::string>> seeds = {
      {"jpeg", {jpeg(img, 95), jpeg(img, 50), jpeg_with_orientation(jpeg(img, 80), 6, true)}},
      {"png", {png(img), png_rgba(16, 12, half_transparent(16, 12)),
               png_write(png_test_picture(16, 12, 3, 4, false)), png_write(png_test_picture(16, 12, 0, 16, true)),
               png_write(png_test_picture(16, 12, 4, 8, true)), png_write(png_test_picture(16, 12, 2, 16, false)),
               png_write(png_test_picture(16, 12, 0, 1, false))}},
      {"gif", {gif(16, 12, {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}}, {indices}),
               gif(16, 12, {{0, 0, 0}, {255, 0, 0}}, {indices, std::string(16 * 12, '\1')}, true)}},
      {"bmp", {bmp(img)}},
      {"webp", {webp_lossy(img), webp_lossless_rgba(16, 12, half_transparent(16, 12)),
                webp_animation(16, 12, solid(8, 4, 255, 0, 0), 4, 6, img)}},
      {"exif", exif},
  };
  for (const auto& [target, files] : seeds) write_all(out / "seeds" / target, files);

  const std::map<std::string, image_format> formats = {{"jpeg", image_format::jpeg}, {"png", image_format::png},
                                                       {"gif", image_format::gif},   {"bmp", image_format::bmp},
                                                       {"webp", image_format::webp}, {"exif", image_format::jpeg}};
  std::size_t total = 0;
  for (const auto& [target, format] : formats) {
    std::vector<std::string> files;
    for (auto& v : corrupt_variants(corrupt_corpus_origin(format), format))
      if (!v.bytes.empty()) files.push_back(std::move(v.bytes));  // libFuzzer skips empty files anyway
    total += files.size();
    write_all(out / "corrupt" / target, files);
  }
  std::cout << "wrote the fuzz seeds and " << total << " corrupt files to " << out.string() << "\n";
  return 0;
}
