#include "rocchio.h"

#include <gtest/gtest.h>

#include <cmath>

#include "matryoshka.h"

using namespace polylens;

namespace {
float norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return static_cast<float>(std::sqrt(s));
}
}  // namespace

TEST(rocchio, without_feedback_is_the_query_normalised) {
  auto r = rocchio_refine({3, 4}, {}, {});
  ASSERT_TRUE(r);
  EXPECT_FLOAT_EQ((*r)[0], 0.6f);
  EXPECT_FLOAT_EQ((*r)[1], 0.8f);
}

TEST(rocchio, follows_the_formula_and_is_unit_length) {
  const std::vector<float> q = {1, 0, 0}, like1 = {0, 1, 0}, like2 = {0, 0, 1}, dislike = {1, 0, 0};
  auto r = rocchio_refine(q, {&like1, &like2}, {&dislike}, {1.0f, 0.5f, 0.5f});
  ASSERT_TRUE(r);
  // 1·q + 0.5·(0, .5, .5) − 0.5·(1, 0, 0) = (0.5, 0.25, 0.25)
  const float n = std::sqrt(0.25f + 0.0625f + 0.0625f);
  EXPECT_NEAR((*r)[0], 0.5f / n, 1e-6);
  EXPECT_NEAR((*r)[1], 0.25f / n, 1e-6);
  EXPECT_NEAR((*r)[2], 0.25f / n, 1e-6);
  EXPECT_NEAR(norm(*r), 1.0f, 1e-6);
}

TEST(rocchio, liking_a_result_moves_the_query_towards_it) {
  const std::vector<float> q = matryoshka_truncate({1, 0.2f, 0, 0}, 4), liked = matryoshka_truncate({0, 1, 0.5f, 0}, 4);
  auto r = rocchio_refine(q, {&liked}, {});
  ASSERT_TRUE(r);
  EXPECT_GT(cosine_similarity(*r, liked), cosine_similarity(q, liked));
}

TEST(rocchio, disliking_a_result_moves_the_query_away_from_it) {
  const std::vector<float> q = matryoshka_truncate({1, 0.5f, 0, 0}, 4), disliked = matryoshka_truncate({0, 1, 0, 0}, 4);
  auto r = rocchio_refine(q, {}, {&disliked});
  ASSERT_TRUE(r);
  EXPECT_LT(cosine_similarity(*r, disliked), cosine_similarity(q, disliked));
}

TEST(rocchio, refuses_vectors_of_another_length_and_a_zero_result) {
  const std::vector<float> q = {1, 0}, wrong = {1, 0, 0};
  auto mismatched = rocchio_refine(q, {&wrong}, {});
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().type, error_type::invalid_request);
  const std::vector<float> same = {1, 0};
  auto zero = rocchio_refine(q, {}, {&same}, {1.0f, 0.0f, 1.0f});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().type, error_type::invalid_request);
  EXPECT_FALSE(rocchio_refine({}, {}, {}));
}
