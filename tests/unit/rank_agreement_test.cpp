#include "rank_agreement.h"

#include <gtest/gtest.h>

using polylens::rank_agreement_of;

TEST(rank_agreement, identical_lists_agree_fully) {
  auto r = rank_agreement_of({"a", "b", "c", "d"}, {"a", "b", "c", "d"}, 4);
  EXPECT_EQ(r.shared, 4);
  EXPECT_DOUBLE_EQ(r.overlap, 1.0);
  ASSERT_TRUE(r.kendall_tau);
  EXPECT_DOUBLE_EQ(*r.kendall_tau, 1.0);
}

TEST(rank_agreement, reversed_lists_have_tau_minus_one) {
  auto r = rank_agreement_of({"a", "b", "c"}, {"c", "b", "a"}, 3);
  EXPECT_EQ(r.shared, 3);
  ASSERT_TRUE(r.kendall_tau);
  EXPECT_DOUBLE_EQ(*r.kendall_tau, -1.0);
}

TEST(rank_agreement, tau_is_over_the_shared_items_only) {
  // Shared: a, b, c. In the first list a<b<c; in the second c<a<b: pairs (a,b) concordant, (a,c) and (b,c)
  // discordant: (1 - 2) / 3.
  auto r = rank_agreement_of({"a", "x", "b", "c"}, {"c", "a", "y", "b"}, 4);
  EXPECT_EQ(r.shared, 3);
  EXPECT_DOUBLE_EQ(r.overlap, 0.75);
  ASSERT_TRUE(r.kendall_tau);
  EXPECT_NEAR(*r.kendall_tau, -1.0 / 3, 1e-12);
}

TEST(rank_agreement, cuts_both_lists_at_k) {
  auto r = rank_agreement_of({"a", "b", "c"}, {"c", "d", "a"}, 2);
  EXPECT_EQ(r.k, 2);
  EXPECT_EQ(r.shared, 0);
  EXPECT_DOUBLE_EQ(r.overlap, 0.0);
  EXPECT_FALSE(r.kendall_tau);
}

TEST(rank_agreement, fewer_than_two_shared_have_no_tau) {
  auto r = rank_agreement_of({"a", "b"}, {"a", "c"}, 2);
  EXPECT_EQ(r.shared, 1);
  EXPECT_DOUBLE_EQ(r.overlap, 0.5);
  EXPECT_FALSE(r.kendall_tau);
}

TEST(rank_agreement, short_lists_still_divide_by_k) {
  auto r = rank_agreement_of({"a"}, {"a"}, 10);
  EXPECT_DOUBLE_EQ(r.overlap, 0.1);
}
