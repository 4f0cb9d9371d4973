#include "image_metadata.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace polylens;

namespace {
std::string write_temp(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / ("polylens_metadata_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << content;
  return path.string();
}
}  // namespace

TEST(image_metadata, reads_a_tsv_sidecar_by_its_header) {
  auto path = write_temp("a.tsv", "tags\tfile\tcaption\nred, round \tapple.jpg\tAn apple\n\n\tpear.png\t\n");
  auto loaded = image_metadata_load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->at("apple.jpg").tags, (std::vector<std::string>{"red", "round"}));
  EXPECT_EQ(loaded->at("apple.jpg").title, "An apple");
  EXPECT_EQ(loaded->at("pear.png").title, "pear");

  auto no_file = image_metadata_load(write_temp("b.tsv", "file\ttags\n\tred\n"));
  ASSERT_FALSE(no_file);
  EXPECT_NE(no_file.error().message.find(":2: no file name"), std::string::npos) << no_file.error().message;
}

TEST(image_metadata, reads_a_json_sidecar_with_tags_as_an_array_or_a_string) {
  auto path = write_temp("a.json", R"([
    {"file": "apple.jpg", "tags": ["red", "round"], "caption": "An apple", "licence": "CC-BY-4.0",
     "author": "Ann", "source_url": "https://example.org/apple"},
    {"file": "sub/pear.jpg", "tags": "green, pear"}
  ])");
  auto loaded = image_metadata_load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2u);
  const image_metadata& apple = loaded->at("apple.jpg");
  EXPECT_EQ(apple.title, "An apple");
  EXPECT_EQ(apple.tags, (std::vector<std::string>{"red", "round"}));
  EXPECT_EQ(apple.credit, "Photo: Ann, CC BY 4.0, https://example.org/apple");
  const image_metadata& pear = loaded->at("sub/pear.jpg");
  EXPECT_EQ(pear.title, "pear");
  EXPECT_EQ(pear.tags, (std::vector<std::string>{"green", "pear"}));
}

TEST(image_metadata, a_bad_json_sidecar_says_which_item_and_why) {
  struct bad_case { const char* json; const char* message; };
  for (const auto& c : {bad_case{"{", "not valid JSON"},
                        bad_case{R"({"file": "a.jpg"})", "expected an array of objects"},
                        bad_case{R"([{"tags": "x"}])", "item 0 has no \"file\" name"},
                        bad_case{R"([{"file": "a.jpg"}, {"file": "b.jpg", "caption": 3}])", "item 1 (b.jpg): \"caption\" must be a string"},
                        bad_case{R"([{"file": "a.jpg", "tags": ["x", 1]}])", "item 0 (a.jpg): \"tags\" must hold strings"}}) {
    auto path = write_temp("bad.json", c.json);
    auto loaded = image_metadata_load(path);
    ASSERT_FALSE(loaded) << c.json;
    EXPECT_NE(loaded.error().message.find(c.message), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(path), std::string::npos) << loaded.error().message;
  }
}

TEST(image_metadata, titles_from_file_names_drop_folders_and_extensions) {
  EXPECT_EQ(title_from_file_name("holiday/red-sail_boat.jpg"), "red sail boat");
  EXPECT_EQ(title_from_file_name("plain.png"), "plain");
}

TEST(image_metadata, a_missing_file_is_an_error_naming_it) {
  auto loaded = image_metadata_load("/nonexistent/images.tsv");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("/nonexistent/images.tsv"), std::string::npos);
}
