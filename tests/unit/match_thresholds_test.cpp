// The strong/weak split (shared/match_thresholds.h): thresholds per modality, embedder and size, the
// operator's overrides, and what happens where nothing is calibrated.
#include "match_thresholds.h"

#include <gtest/gtest.h>

using namespace polylens;

namespace {
const match_calibration* row(bool stand_in, int dims) {
  for (const match_calibration& c : match_calibrations)
    if (c.stand_in == stand_in && c.dims == dims) return &c;
  return nullptr;
}
}  // namespace

TEST(match_thresholds, the_double_is_calibrated_for_both_default_fields) {
  for (int dims : {1024, 256}) {
    const match_calibration* c = row(true, dims);
    ASSERT_NE(c, nullptr) << dims;
    EXPECT_GT(c->text_to_image, 0.0f);
    EXPECT_LT(c->text_to_image, 1.0f);
    // The modality gap: image->image scores sit higher, so their threshold does too.
    EXPECT_GT(c->image_to_image, c->text_to_image) << dims;
  }
}

TEST(match_thresholds, each_modality_gets_its_own_threshold) {
  const match_calibration* c = row(true, 1024);
  ASSERT_NE(c, nullptr);
  const match_threshold text = match_threshold_for(query_modality::text, true, 1024);
  const match_threshold image = match_threshold_for(query_modality::image, true, 1024);
  ASSERT_TRUE(text.value && image.value);
  EXPECT_FLOAT_EQ(*text.value, c->text_to_image);
  EXPECT_FLOAT_EQ(*image.value, c->image_to_image);
  EXPECT_NE(text.source.find("test double"), std::string::npos) << text.source;

  // The same score between the two thresholds is strong for a text query and weak for an image query.
  const float between = (c->text_to_image + c->image_to_image) / 2;
  EXPECT_TRUE(match_is_strong(between, text));
  EXPECT_FALSE(match_is_strong(between, image));
  EXPECT_TRUE(match_is_strong(c->text_to_image, text)) << "at the threshold is strong";
  EXPECT_FALSE(match_is_strong(c->text_to_image - 0.001f, text));
}

TEST(match_thresholds, the_real_model_is_not_calibrated_so_nothing_is_called_weak) {
  const match_threshold t = match_threshold_for(query_modality::text, false, 1024);
  EXPECT_FALSE(t.value);
  EXPECT_NE(t.source.find("not calibrated"), std::string::npos) << t.source;
  EXPECT_TRUE(match_is_strong(-1.0f, t));
}

TEST(match_thresholds, other_sizes_and_caller_vectors_have_none) {
  EXPECT_FALSE(match_threshold_for(query_modality::text, true, 512).value);
  const match_threshold vector = match_threshold_for(query_modality::vector, true, 1024);
  EXPECT_FALSE(vector.value);
  EXPECT_NE(vector.source.find("caller's vector"), std::string::npos);
}

TEST(match_thresholds, the_operators_numbers_win_for_any_embedder_and_size) {
  match_threshold_overrides set;
  set.text_to_image = 0.21f;
  set.image_to_image = 0.63f;
  for (bool stand_in : {true, false}) {
    const match_threshold text = match_threshold_for(query_modality::text, stand_in, 512, set);
    const match_threshold image = match_threshold_for(query_modality::image, stand_in, 1024, set);
    ASSERT_TRUE(text.value && image.value);
    EXPECT_FLOAT_EQ(*text.value, 0.21f);
    EXPECT_FLOAT_EQ(*image.value, 0.63f);
    EXPECT_NE(text.source.find("--match-threshold-text"), std::string::npos);
    EXPECT_NE(image.source.find("--match-threshold-image"), std::string::npos);
  }
  // Only the modality that was set is overridden.
  match_threshold_overrides text_only;
  text_only.text_to_image = 0.3f;
  const match_threshold image = match_threshold_for(query_modality::image, true, 1024, text_only);
  ASSERT_TRUE(image.value);
  EXPECT_FLOAT_EQ(*image.value, row(true, 1024)->image_to_image);
}

TEST(match_thresholds, modality_names) {
  EXPECT_STREQ(query_modality_name(query_modality::text), "text");
  EXPECT_STREQ(query_modality_name(query_modality::image), "image");
  EXPECT_STREQ(query_modality_name(query_modality::vector), "vector");
}
