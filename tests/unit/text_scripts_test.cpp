// shared/text_scripts: which strings the web client hands to the browser to draw, and in which direction.
#include "text_scripts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace polylens;

TEST(text_scripts, latin_greek_cyrillic_need_nothing) {
  EXPECT_EQ(text_scripts("Eiffel Tower, 2024!"), 0u);
  EXPECT_EQ(text_scripts("tháp Eiffel"), 0u);  // precomposed Vietnamese
  EXPECT_EQ(text_scripts("Эйфелева башня"), 0u);
  EXPECT_EQ(text_scripts("Πύργος του Άιφελ"), 0u);
  EXPECT_EQ(text_scripts(""), 0u);
}

TEST(text_scripts, each_script_has_its_bit) {
  EXPECT_EQ(text_scripts("برج إيفل"), script_arabic);
  EXPECT_EQ(text_scripts("מגדל אייפל"), script_hebrew);
  EXPECT_EQ(text_scripts("एफ़िल टॉवर"), script_devanagari);
  EXPECT_EQ(text_scripts("আইফেল টাওয়ার"), script_bengali);
  EXPECT_EQ(text_scripts("หอไอเฟล"), script_thai);
  EXPECT_EQ(text_scripts("埃菲尔铁塔"), script_cjk);
  EXPECT_EQ(text_scripts("エッフェル塔"), script_cjk);
  EXPECT_EQ(text_scripts("에펠탑"), script_hangul);
  EXPECT_EQ(text_scripts("ﻻ"), script_arabic);  // presentation form
  EXPECT_EQ(text_scripts("தமிழ்"), script_other_complex);
  EXPECT_EQ(text_scripts("e\xCC\x81"), script_other_complex);  // e + combining acute: ImGui cannot stack it
  EXPECT_EQ(text_scripts("\xF0\x9F\x90\x88"), script_other_complex);  // 🐈
}

TEST(text_scripts, mixed_strings_collect_every_bit) {
  EXPECT_EQ(text_scripts("Tokyo 東京 برج"), script_cjk | script_arabic);
  EXPECT_TRUE(text_scripts("hi हिन्दी") & scripts_needing_browser);
  EXPECT_FALSE(text_scripts("猫") & scripts_needing_browser);
}

TEST(text_scripts, invalid_utf8_is_ignored) {
  EXPECT_EQ(text_scripts("\xFF\xFE abc \xE0\xA4"), 0u);  // stray bytes, a truncated Devanagari sequence
  EXPECT_EQ(text_scripts("\xC0\xAF"), 0u);               // overlong '/'
  std::size_t i = 0;
  EXPECT_EQ(utf8_next("\xED\xA0\x80", i), U'\uFFFD');  // a surrogate
  EXPECT_EQ(i, 1u);
}

TEST(text_scripts, base_direction_follows_the_first_strong_character) {
  EXPECT_EQ(text_base_direction("Eiffel"), text_direction::ltr);
  EXPECT_EQ(text_base_direction("برج إيفل"), text_direction::rtl);
  EXPECT_EQ(text_base_direction("מגדל"), text_direction::rtl);
  EXPECT_EQ(text_base_direction("  123 «برج» Eiffel"), text_direction::rtl);  // digits and quotes are neutral
  EXPECT_EQ(text_base_direction("Eiffel برج"), text_direction::ltr);
  EXPECT_EQ(text_base_direction("١٢٣ abc"), text_direction::ltr);  // Arabic-Indic digits are weak
  EXPECT_EQ(text_base_direction("猫 برج"), text_direction::ltr);
  EXPECT_EQ(text_base_direction("हिन्दी"), text_direction::ltr);
  EXPECT_EQ(text_base_direction("123 ..."), text_direction::ltr);  // nothing strong
  EXPECT_EQ(text_base_direction(""), text_direction::ltr);
}

// Every query in assets/queries.tsv: the right-to-left columns are right-to-left, and the ImGui-only columns
// need no browser.
TEST(text_scripts, every_sample_query_is_classified) {
  std::ifstream file(POLYLENS_ASSETS_DIR "/queries.tsv");
  ASSERT_TRUE(file) << "cannot open queries.tsv";
  std::string line;
  std::getline(file, line);
  std::vector<std::string> header;
  for (std::stringstream ss(line); std::getline(ss, line, '\t');) header.push_back(line);
  int rows = 0;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    for (std::stringstream ss(line); std::getline(ss, line, '\t');) cells.push_back(line);
    ASSERT_EQ(cells.size(), header.size());
    ++rows;
    for (std::size_t c = 2; c < cells.size(); ++c) {
      const std::string& lang = header[c];
      const unsigned scripts = text_scripts(cells[c]);
      const bool rtl = text_base_direction(cells[c]) == text_direction::rtl;
      EXPECT_EQ(rtl, lang == "ar" || lang == "he") << lang << ": " << cells[c];
      if (lang == "ar") {
        EXPECT_TRUE(scripts & script_arabic) << cells[c];
      } else if (lang == "hi") {
        EXPECT_TRUE(scripts & script_devanagari) << cells[c];
      } else if (lang == "th") {
        EXPECT_TRUE(scripts & script_thai) << cells[c];
      } else if (lang == "zh" || lang == "ja") {
        EXPECT_TRUE(scripts & script_cjk) << cells[c];
      } else if (lang == "ko") {
        EXPECT_EQ(scripts, script_hangul) << cells[c];
      }
      const bool imgui_draws = (scripts & scripts_needing_browser) == 0;
      const bool expect_imgui =
          lang != "ar" && lang != "he" && lang != "hi" && lang != "bn" && lang != "th" && lang != "ko";
      EXPECT_EQ(imgui_draws, expect_imgui) << lang << ": " << cells[c];
    }
  }
  EXPECT_EQ(rows, 40);
}
