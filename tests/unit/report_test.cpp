// The size/quality report's arithmetic (proxy/report.h): overlap and recall, percentiles, exact
// search, the synthetic copies, the image token formula and the query file; and how /stats classes
// what an embed call was billed for (proxy/embedding_service.h).
#include "report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "embedding_service.h"
#include "matryoshka.h"

using namespace polylens;

namespace {

std::vector<float> unit(std::vector<float> v) { return matryoshka_truncate(v, static_cast<int>(v.size())); }

}  // namespace

TEST(report_overlap, counts_shared_ids_among_the_first_k) {
  const std::vector<std::string> reference = {"a", "b", "c", "d"};
  EXPECT_DOUBLE_EQ(overlap_at_k({"a", "b", "c", "d"}, reference, 4), 1.0);
  EXPECT_DOUBLE_EQ(overlap_at_k({"d", "c", "b", "a"}, reference, 4), 1.0);  // order does not matter
  EXPECT_DOUBLE_EQ(overlap_at_k({"a", "x", "c", "y"}, reference, 4), 0.5);
  EXPECT_DOUBLE_EQ(overlap_at_k({"x", "y"}, reference, 4), 0.0);
  // Only the first k of each side count.
  EXPECT_DOUBLE_EQ(overlap_at_k({"x", "a", "b"}, reference, 2), 0.5);
  // Fewer documents than k: the denominator is what the reference could hold.
  EXPECT_DOUBLE_EQ(overlap_at_k({"a", "b"}, {"b", "a"}, 10), 1.0);
  // A duplicate in the answer is not counted twice.
  EXPECT_DOUBLE_EQ(overlap_at_k({"a", "a"}, {"a", "b"}, 2), 0.5);
  EXPECT_DOUBLE_EQ(overlap_at_k({}, {}, 10), 1.0);
}

TEST(report_percentile, interpolates_between_neighbours) {
  EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(percentile({7}, 0.5), 7.0);
  EXPECT_DOUBLE_EQ(percentile({3, 1, 2}, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 1.0), 5.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 0.9), 4.6);
}

TEST(report_exact_search, finds_the_highest_cosines_best_first) {
  std::vector<std::vector<float>> docs = {unit({1, 0, 0, 0}), unit({0, 1, 0, 0}), unit({1, 1, 0, 0}), unit({-1, 0, 0, 0}),
                                          unit({1, 0.1f, 0, 0})};
  vector_matrix m = vector_matrix_make(docs, 4);
  ASSERT_EQ(m.rows(), 5u);
  auto top = exact_top_k(m, unit({1, 0, 0, 0}), 3);
  EXPECT_EQ(top, (std::vector<std::size_t>{0, 4, 2}));
  EXPECT_EQ(exact_top_k(m, unit({1, 0, 0, 0}), 10).size(), 5u);  // k over the collection: all of it
}

TEST(report_exact_search, truncates_and_renormalises_per_size) {
  // At 2 dims these two differ only in their tail, so they tie and the lower row wins.
  std::vector<std::vector<float>> docs = {unit({0.6f, 0.8f, 0, 0}), unit({0.6f, 0.8f, 0.5f, 0.5f})};
  vector_matrix m = vector_matrix_make(docs, 2);
  EXPECT_NEAR(m.row(1)[0], 0.6f, 1e-6);
  EXPECT_NEAR(m.row(1)[1], 0.8f, 1e-6);
  EXPECT_EQ(exact_top_k(m, unit({0.6f, 0.8f}), 1), (std::vector<std::size_t>{0}));
}

TEST(report_synthetic, copies_are_deterministic_unit_length_and_near_their_original) {
  std::vector<std::vector<float>> originals;
  for (int i = 0; i < 5; ++i) {
    std::vector<float> v(64);
    for (int d = 0; d < 64; ++d) v[d] = std::sin(float(i * 64 + d)) * std::exp(-d / 20.0f);
    originals.push_back(unit(v));
  }
  auto a = synthetic_copies(originals, 12, 0.5, 42);
  auto b = synthetic_copies(originals, 12, 0.5, 42);
  auto c = synthetic_copies(originals, 12, 0.5, 43);
  ASSERT_EQ(a.size(), 12u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (std::size_t j = 0; j < a.size(); ++j) {
    double norm = 0;
    for (float v : a[j]) norm += double(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-5);
    const auto& base = originals[j % originals.size()];
    double own = cosine_similarity(a[j], base);
    EXPECT_GT(own, 0.7) << "copy " << j;
    EXPECT_LT(own, 1.0) << "copy " << j << " has no noise";
  }
  EXPECT_TRUE(synthetic_copies(originals, 0, 0.5, 42).empty());
}

TEST(report_tokens, contract_formula_counts_started_512_px_tiles) {
  EXPECT_EQ(image_tokens_by_tiles(512, 512), 4000);
  EXPECT_EQ(image_tokens_by_tiles(264, 264), 4000);
  EXPECT_EQ(image_tokens_by_tiles(513, 512), 8000);
  EXPECT_EQ(image_tokens_by_tiles(768, 512), 8000);
  EXPECT_EQ(image_tokens_by_tiles(1200, 800), 24000);
  EXPECT_EQ(image_tokens_by_tiles(0, 100), 0);
  // After the resize every image fits one tile.
  EXPECT_EQ(size_fit_within(1200, 800, 512), (std::pair<int, int>{512, 341}));
  EXPECT_EQ(size_fit_within(774, 1097, 512), (std::pair<int, int>{361, 512}));
  EXPECT_EQ(size_fit_within(264, 264, 512), (std::pair<int, int>{264, 264}));
}

TEST(report_queries, reads_one_query_per_filled_cell_with_its_language) {
  std::string path = ::testing::TempDir() + "polylens-report-queries.tsv";
  std::ofstream(path) << "concept\tmatch_tags\ten\tes\tja\r\n"
                         "cat\tcat\tcat\tgato\t猫\n"
                         "dog\tdog;poodle\tdog\t\t犬\n"
                         "\n";
  std::vector<std::string> languages;
  int concepts = 0;
  auto q = report_queries_load(path, languages, concepts);
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(languages, (std::vector<std::string>{"en", "es", "ja"}));
  EXPECT_EQ(concepts, 2);
  ASSERT_EQ(q->size(), 5u);
  EXPECT_EQ((*q)[2].text, "猫");
  EXPECT_EQ((*q)[2].language, "ja");
  EXPECT_EQ((*q)[4].concept_name, "dog");
  EXPECT_EQ((*q)[4].language, "ja");

  auto missing = report_queries_load(path + ".absent", languages, concepts);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("--queries"), std::string::npos);
  std::ofstream(path) << "file\ttags\n";
  auto wrong = report_queries_load(path, languages, concepts);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("needs a header 'concept"), std::string::npos);
  std::remove(path.c_str());
}

TEST(token_use, a_call_is_classed_by_what_it_carries) {
  const embed_input text{embed_input::kind::text, "cat"}, image{embed_input::kind::image, "\xff\xd8"};
  EXPECT_EQ(token_use_of({text, text}, true), token_use::text_queries);
  EXPECT_EQ(token_use_of({image}, true), token_use::image_queries);
  EXPECT_EQ(token_use_of({image, image}, false), token_use::images_indexed);
  EXPECT_EQ(token_use_of({text, image}, true), token_use::other);
  EXPECT_EQ(token_use_of({text}, false), token_use::other);  // a document-task text is not an image
  EXPECT_EQ(token_use_of({}, true), token_use::other);
}

TEST(token_use, stats_split_tokens_and_inputs_by_use) {
  metrics_registry m;
  m.add_tokens(8000, token_use::images_indexed, 2);
  m.add_tokens(4000, token_use::images_indexed, 1);
  m.add_tokens(9, token_use::text_queries, 3);
  auto s = m.snapshot();
  EXPECT_EQ(s["tokens"], 12009);
  EXPECT_EQ(s["tokens_by_use"]["images_indexed"]["tokens"], 12000);
  EXPECT_DOUBLE_EQ(s["tokens_by_use"]["images_indexed"]["per_input"].get<double>(), 4000.0);
  EXPECT_DOUBLE_EQ(s["tokens_by_use"]["text_queries"]["per_input"].get<double>(), 3.0);
  EXPECT_TRUE(s["tokens_by_use"]["image_queries"]["per_input"].is_null());
  EXPECT_NE(m.prometheus_text().find("polylens_embedder_tokens_by_use_total{use=\"images_indexed\"} 12000"),
            std::string::npos);
}
