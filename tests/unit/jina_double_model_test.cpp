// The Jina test double's model, driven directly (no HTTP): the properties the integration tests and
// the proxy's search tests rely on, measured over the real assets.
//   - resized and re-encoded copies of every bundled photo are recognised as that photo;
//   - each concept's English text finds a photo of that concept first, also at 256 dimensions;
//   - the same concept in 22 languages is one vector; phrase matching respects word boundaries;
//   - vectors are bit-identical across machines (golden values).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api_limits.h"
#include "embedding_model.h"
#include "embedding_output.h"
#include "image_preprocess.h"
#include "matryoshka.h"
#include "request_validation.h"
#include "tsv_table.h"
#include "unicode_text.h"

namespace {

using namespace jina_double;

std::filesystem::path assets_dir() {
  if (const char* env = std::getenv("POLYLENS_ASSETS"); env && *env) return env;
  return JINA_DOUBLE_ASSETS_DIR;
}

class jina_double_model : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = std::make_unique<embedding_model>(embedding_model::load(assets_dir())); }
  static void TearDownTestSuite() { model_.reset(); }

  static const embedding_model& model() { return *model_; }

  static bool has_concept(const known_image& image, int concept_index) {
    return std::find(image.concepts.begin(), image.concepts.end(), concept_index) != image.concepts.end();
  }

  // Index of the catalogue image closest to `query` when both are cut to `dims`.
  static int top_image(const std::vector<float>& query, int dims, float* score = nullptr) {
    std::vector<float> q = polylens::matryoshka_truncate(query, dims);
    int best = -1;
    float best_score = -2;
    for (int i = 0; i < static_cast<int>(model().images().images().size()); ++i) {
      float s = polylens::cosine_similarity(q, polylens::matryoshka_truncate(model().known_image_vector(i), dims));
      if (s > best_score) {
        best_score = s;
        best = i;
      }
    }
    if (score) *score = best_score;
    return best;
  }

 private:
  static std::unique_ptr<embedding_model> model_;
};

std::unique_ptr<embedding_model> jina_double_model::model_;

TEST_F(jina_double_model, loads_every_concept_and_image) {
  EXPECT_EQ(model().words().concepts().size(), 40u);
  EXPECT_EQ(model().words().languages().size(), 22u);
  EXPECT_EQ(model().images().images().size(), 118u);
}

// The proxy shrinks photos to 512 px (JPEG q90) before embedding, thumbnails are 256 px; the web
// client may send anything in between. Every such copy must be recognised as its original.
TEST_F(jina_double_model, resized_and_reencoded_copies_match_their_original) {
  const auto& images = model().images().images();
  float worst_copy = 0;
  for (int i = 0; i < static_cast<int>(images.size()); ++i) {
    const std::string& file = images[i].file;
    auto original = polylens::image_decode(file_read_bytes(assets_dir() / "images" / file));
    ASSERT_TRUE(original.ok()) << file;
    auto reencode = [](const polylens::rgb_image& image) {
      return polylens::image_decode(polylens::image_encode_jpeg(image, 70)).value();
    };
    polylens::rgb_image fit512 = polylens::image_fit_within(*original, 512);
    polylens::rgb_image fit200 = polylens::image_fit_within(*original, 200);
    // What the proxy and the web client really send: image_prepare at the upload size, whose JPEG
    // route shrinks while decoding (and averages in sRGB there: worst distance under 3.5 for these photos;
    // at 200 px it would reach 5.5, past the margin below).
    auto prepared = polylens::image_prepare(file_read_bytes(assets_dir() / "images" / file),
                                            polylens::limits::upload_long_side, polylens::limits::upload_jpeg_quality);
    ASSERT_TRUE(prepared.ok()) << file;
    const std::pair<const char*, polylens::rgb_image> copies[] = {
        {"fit 512", fit512},           {"fit 200", fit200},
        {"jpeg 70", reencode(*original)}, {"fit 512 + jpeg 70", reencode(fit512)},
        {"fit 200 + jpeg 70", reencode(fit200)}, {"image_prepare", polylens::image_decode(prepared->jpeg).value()},
    };
    for (const auto& [what, copy] : copies) {
      image_embedding e = model().embed_image(copy);
      EXPECT_EQ(e.match.index, i) << file << " (" << what << ") matched "
                                  << (e.match.nearest >= 0 ? images[e.match.nearest].file : "nothing")
                                  << " at distance " << e.match.distance;
      EXPECT_EQ(e.vector, model().known_image_vector(i)) << file << " (" << what << ")";
      worst_copy = std::max(worst_copy, e.match.distance);
    }
  }
  // The threshold must leave room on both sides (numbers in image_catalogue.h).
  EXPECT_LT(worst_copy, image_catalogue::match_threshold / 2) << "worst copy distance " << worst_copy;
  std::cout << "worst copy distance " << worst_copy << "\n";
}

TEST_F(jina_double_model, distinct_photos_never_collide) {
  const auto& images = model().images().images();
  float closest = 1e9f;
  std::string pair;
  for (std::size_t i = 0; i < images.size(); ++i)
    for (std::size_t j = i + 1; j < images.size(); ++j) {
      float d = signature_distance(images[i].signature, images[j].signature);
      if (d < closest) {
        closest = d;
        pair = images[i].file + " / " + images[j].file;
      }
    }
  EXPECT_GT(closest, image_catalogue::match_threshold * 2) << pair;
  std::cout << "closest distinct photos " << pair << " at " << closest << "\n";
}

TEST_F(jina_double_model, an_unknown_image_gets_a_colour_vector) {
  polylens::rgb_image red{32, 32, std::string(32 * 32 * 3, '\0')};
  for (std::size_t p = 0; p < red.pixels.size(); p += 3) red.pixels[p] = char(220);
  image_embedding e = model().embed_image(red);
  EXPECT_EQ(e.match.index, -1);
  EXPECT_GT(e.match.distance, image_catalogue::match_threshold);
  EXPECT_NEAR(std::sqrt(polylens::cosine_similarity(e.vector, e.vector)), 1.0, 1e-6);
  for (int i = 0; i < static_cast<int>(model().images().images().size()); ++i)
    EXPECT_NE(e.vector, model().known_image_vector(i));
}

// What the proxy's search tests assert: "<concept>" finds a photo of it first.
TEST_F(jina_double_model, each_concepts_english_text_finds_a_photo_of_it_first) {
  const auto& concepts = model().words().concepts();
  const auto& images = model().images().images();
  int with_images = 0, correct = 0;
  for (int c = 0; c < static_cast<int>(concepts.size()); ++c) {
    bool has_photo = std::any_of(images.begin(), images.end(), [&](const known_image& im) { return has_concept(im, c); });
    if (!has_photo) continue;
    ++with_images;
    float score = 0;
    int top = top_image(model().embed_text(concepts[c].translations[0]), 1024, &score);
    bool ok = has_concept(images[top], c);
    correct += ok;
    EXPECT_TRUE(ok) << concepts[c].id << ": top hit " << images[top].file;
    // The modality gap: a matching photo is close, but never as close as the photo to itself.
    EXPECT_LT(score, 0.9f) << concepts[c].id;
    EXPECT_GT(score, 0.5f) << concepts[c].id;
  }
  EXPECT_EQ(with_images, 40);
  std::cout << "text->image top-1 correct for " << correct << "/" << with_images << " concepts\n";
}

TEST_F(jina_double_model, truncation_to_256_keeps_the_top_hit) {
  for (const auto& entry : model().words().concepts()) {
    std::vector<float> query = model().embed_text(entry.translations[0]);
    EXPECT_EQ(top_image(query, 256), top_image(query, 1024)) << entry.id;
  }
  // Image queries too: a photo still finds itself first.
  for (int i = 0; i < static_cast<int>(model().images().images().size()); ++i)
    EXPECT_EQ(top_image(model().known_image_vector(i), 256), i);
}

TEST_F(jina_double_model, the_same_concept_in_every_language_is_one_vector) {
  for (const auto& entry : model().words().concepts()) {
    std::vector<float> english = model().embed_text(entry.translations[0]);
    for (std::size_t l = 1; l < entry.translations.size(); ++l)
      EXPECT_EQ(model().embed_text(entry.translations[l]), english)
          << entry.id << " in " << model().words().languages()[l] << ": " << entry.translations[l];
  }
}

TEST_F(jina_double_model, phrases_match_longest_first_and_only_whole_words) {
  const lexicon& words = model().words();
  int clock_tower = words.find_concept("clock_tower"), cat = words.find_concept("cat"),
      waterfall = words.find_concept("waterfall"), parrot = words.find_concept("parrot");
  text_analysis a = words.analyse("The CLOCK TOWER of Westminster");
  EXPECT_EQ(a.concepts, std::vector<int>{clock_tower});
  EXPECT_EQ(a.unknown_words, (std::vector<std::string>{"of", "the", "westminster"}));
  // "cat" is not inside "cascata" (Italian waterfall), "kat" not inside "skateboard".
  EXPECT_EQ(words.analyse("cascata").concepts, std::vector<int>{waterfall});
  EXPECT_EQ(words.analyse("skateboard").concepts, std::vector<int>{words.find_concept("skateboarding")});
  EXPECT_TRUE(words.analyse("category").concepts.empty());
  // CJK/Thai/Hangul match inside longer runs; the longer phrase wins over the one inside it.
  EXPECT_EQ(words.analyse("猫の写真").concepts, std::vector<int>{cat});
  EXPECT_EQ(words.analyse("นกแก้ว").concepts, std::vector<int>{parrot});
  EXPECT_EQ(words.analyse("앵무새").concepts, std::vector<int>{parrot});
  // Case folding in Latin, Greek (final sigma) and Cyrillic.
  EXPECT_EQ(model().embed_text("ΠΎΡΓΟΣ ΤΟΥ ΆΙΦΕΛ"), model().embed_text("Eiffel Tower"));
  EXPECT_EQ(model().embed_text("ЕЙФЕЛЕВА ВЕЖА"), model().embed_text("Eiffel Tower"));
  EXPECT_EQ(model().embed_text("TOUR  EIFFEL"), model().embed_text("Eiffel Tower"));
  EXPECT_EQ(model().embed_text("TORRE DEL RELOJ"), model().embed_text("Big Ben"));
}

TEST_F(jina_double_model, nonsense_text_is_far_from_every_photo) {
  float score = 0;
  top_image(model().embed_text("blorptastic quuxification"), 1024, &score);
  EXPECT_LT(score, 0.4f);
}

TEST(jina_double_text, case_fold_covers_the_query_languages) {
  EXPECT_EQ(text_fold(utf8_to_utf32("ÄÖÜ ÉÈ Ł Ż Ş İ Ğ Ơ Ư Ở")), utf8_to_utf32("äöü éè ł ż ş i ğ ơ ư ở"));
  EXPECT_EQ(text_fold(utf8_to_utf32("ΆΛΦΑ ΣΊΓΜΑΣ")), utf8_to_utf32("άλφα σίγμασ"));
  EXPECT_EQ(text_fold(utf8_to_utf32("ҐЄЇІ ЁЖ")), utf8_to_utf32("ґєїі ёж"));
  EXPECT_EQ(text_fold(utf8_to_utf32("  tour\u00a0de   l’horloge ")), utf8_to_utf32("tour de l'horloge"));
  EXPECT_EQ(utf32_to_utf8(utf8_to_utf32("エッフェル塔 برج إيفل")), "エッフェル塔 برج إيفل");
  EXPECT_EQ(utf8_to_utf32("a\xff" "b"), U"a\uFFFDb");
}

// Bit-identical everywhere: FNV-1a, splitmix64 and only + - * / sqrt. If these change, every test that
// pinned a ranking against the double may change too.
TEST(jina_double_vectors, golden_values) {
  EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cull);
  std::vector<double> cat = matryoshka_direction("concept:cat");
  EXPECT_EQ(cat[0], -0.1218717122936145);
  EXPECT_EQ(cat[1], -0.010119067841424622);
  EXPECT_EQ(cat[2], 0.01856729242651255);
  EXPECT_EQ(cat[1023], -0.00016393655855792528);
}

TEST(jina_double_vectors, energy_sits_in_the_leading_dimensions) {
  std::vector<double> v = matryoshka_direction("concept:eiffel_tower");
  auto energy = [&](int dims) {
    double e = 0;
    for (int d = 0; d < dims; ++d) e += v[d] * v[d];
    return e;
  };
  EXPECT_GT(energy(64), 0.4);
  EXPECT_GT(energy(256), 0.9);
  EXPECT_NEAR(energy(1024), 1.0, 1e-12);
}

TEST(jina_double_output, encodings) {
  std::vector<float> v = {1.0f, -2.5f, 0.0f, 3.0f, -1.0f, 1e-3f, 2.0f, -0.5f, 4.0f};
  // ubinary: sign bits, MSB first, last byte padded with zeros.
  EXPECT_EQ(embedding_to_bits(v, false), (std::vector<int>{0b10010110, 0b10000000}));
  EXPECT_EQ(embedding_to_bits(v, true), (std::vector<int>{0b10010110 - 128, 0}));
  // base64: little-endian float32; 1.0f is 00 00 80 3f.
  EXPECT_EQ(embedding_to_base64({1.0f}), "AACAPw==");
  std::vector<float> unit = {0.6f, 0.8f, 0.0f};
  EXPECT_EQ(embedding_shape(unit, 1, true), std::vector<float>{1.0f});
  EXPECT_EQ(embedding_shape(unit, 2, false), (std::vector<float>{0.6f * unnormalised_scale, 0.8f * unnormalised_scale}));
}

TEST(jina_double_validation, rejections_carry_the_real_apis_statuses) {
  auto status_of = [](std::string_view body) {
    parse_outcome p = embedding_request_parse(body, "rid");
    return std::holds_alternative<http_answer>(p) ? std::get<http_answer>(p).status : 200;
  };
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","input":"cat"})"), 200);
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","input":"cat","dimensions":2000})"), 422);
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","input":"cat","late_chunking":true})"), 422);
  EXPECT_EQ(status_of(R"({"model":"jina-embeddings-v3","input":"cat"})"), 400);
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","input":[{"image":"https://example.test/a.jpg"}]})"), 400);
  // Over the text tower's 8192 tokens: refused unless truncate is true.
  std::string long_text(40000, 'a');
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","input":")" + long_text + "\"}"), 400);
  EXPECT_EQ(status_of(R"({"model":"jina-clip-v2","truncate":true,"input":")" + long_text + "\"}"), 200);

  parse_outcome p = embedding_request_parse(
      R"({"model":"jina-clip-v2","input":["a",{"text":"b"}],"dimensions":256,"normalized":false,"embedding_type":"ubinary","task":"retrieval.query"})",
      "rid");
  ASSERT_TRUE(std::holds_alternative<embedding_request>(p));
  const auto& r = std::get<embedding_request>(p);
  EXPECT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(r.inputs[1].text, "b");
  EXPECT_EQ(r.dimensions, 256);
  EXPECT_FALSE(r.normalized);
  EXPECT_EQ(r.type, embedding_type::ubinary);
  EXPECT_TRUE(r.query_task);
}

}  // namespace
