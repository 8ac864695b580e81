// Which rank owns which plates: contiguous blocks that cover every item once, sizes within one.
#include <gtest/gtest.h>

#include <vector>

#include "solver/parallel/ranks.hpp"

TEST(Ranks, BlocksAreContiguousCoverEveryItemAndDifferByAtMostOne) {
  for (int ranks = 1; ranks <= 9; ++ranks)
    for (int n = 1; n <= 40; ++n) {
      std::vector<int> count(static_cast<std::size_t>(ranks), 0);
      int last = 0;
      for (int i = 0; i < n; ++i) {
        const int r = kelvin::block_owner(i, n, ranks);
        ASSERT_GE(r, last) << i << " of " << n << " on " << ranks;  // blocks in rank order
        ASSERT_LT(r, ranks);
        last = r;
        ++count[static_cast<std::size_t>(r)];
      }
      for (int r = 0; r < ranks; ++r) {  // floor((r+1) n / R) - floor(r n / R) items each
        EXPECT_EQ(count[static_cast<std::size_t>(r)], (r + 1) * n / ranks - r * n / ranks) << n << " on " << ranks;
      }
    }
}

TEST(Ranks, WithoutALauncherThereIsOneRankThatOwnsEverything) {
  const kelvin::Ranks& w = kelvin::Ranks::world();
  EXPECT_EQ(w.size(), 1);
  EXPECT_TRUE(w.root());
  EXPECT_TRUE(w.owns(7, 8));
  std::vector<double> v{1.5, -2.0};
  w.share(v);  // one rank: unchanged
  EXPECT_EQ(v, (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(w.max(3.0), 3.0);
  EXPECT_EQ(w.prefix(), "");
}
