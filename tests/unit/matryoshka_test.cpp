#include "matryoshka.h"

#include <gtest/gtest.h>

#include <cmath>

using polylens::cosine_similarity;
using polylens::matryoshka_truncate;

TEST(matryoshka, keeps_the_prefix_and_renormalises) {
  std::vector<float> full = {3, 4, 12, 0};
  auto cut = matryoshka_truncate(full, 2);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_FLOAT_EQ(cut[0], 0.6f);
  EXPECT_FLOAT_EQ(cut[1], 0.8f);
}

TEST(matryoshka, result_has_unit_length) {
  std::vector<float> full(1024);
  for (int i = 0; i < 1024; ++i) full[i] = std::sin(float(i) * 0.37f) / float(1 + i);
  for (int dims : {64, 128, 256, 512, 1024}) {
    auto cut = matryoshka_truncate(full, dims);
    ASSERT_EQ(cut.size(), std::size_t(dims));
    double norm = 0;
    for (float v : cut) norm += double(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-5) << dims;
  }
}

TEST(matryoshka, zero_prefix_stays_zero_instead_of_nan) {
  auto cut = matryoshka_truncate({0, 0, 1}, 2);
  EXPECT_EQ(cut, (std::vector<float>{0, 0}));
}

TEST(matryoshka, dims_beyond_the_vector_keep_all_of_it) {
  EXPECT_EQ(matryoshka_truncate({0, 2}, 8).size(), 2u);
}

TEST(cosine, of_known_vectors) {
  EXPECT_NEAR(cosine_similarity({1, 0}, {0, 1}), 0.0, 1e-7);
  EXPECT_NEAR(cosine_similarity({1, 1}, {2, 2}), 1.0, 1e-6);
  EXPECT_NEAR(cosine_similarity({1, 0}, {-1, 0}), -1.0, 1e-7);
  EXPECT_EQ(cosine_similarity({0, 0}, {1, 0}), 0.0f);
}
