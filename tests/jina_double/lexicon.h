// The double's vocabulary: the 40 concepts of assets/queries.tsv, each named in 22 languages, and the
// phrase matcher that turns a query text into the concepts it mentions plus its leftover words.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tsv_table.h"

namespace jina_double {

struct concept_entry {
  std::string id;                        // e.g. "eiffel_tower"
  std::vector<std::string> match_tags;   // image tags that carry this concept, lower-case
  std::vector<std::string> translations; // one per language column, as written in the file
};

struct text_analysis {
  std::vector<int> concepts;             // indices into lexicon::concepts(), sorted (a bag, not a sequence)
  std::vector<std::string> unknown_words;  // folded, sorted
};

class lexicon {
 public:
  static lexicon from_table(const tsv_table& table);
  static lexicon load(const std::filesystem::path& queries_tsv) { return from_table(tsv_load(queries_tsv)); }

  const std::vector<concept_entry>& concepts() const { return concepts_; }
  const std::vector<std::string>& languages() const { return languages_; }
  int find_concept(std::string_view id) const;  // -1 when unknown

  // Greedy, longest phrase first; a matched span is consumed so "clock tower" never also yields a
  // shorter phrase inside it. Phrases are the 22 translations plus the concept's English match tags
  // (so "big ben" and "birds" work too).
  text_analysis analyse(std::string_view text) const;

 private:
  struct phrase {
    std::u32string folded;
    int concept_index = -1;
    bool needs_boundary_before = false;
    bool needs_boundary_after = false;
  };
  void add_phrase(std::string_view text, int concept_index);

  std::vector<std::string> languages_;
  std::vector<concept_entry> concepts_;
  std::vector<phrase> phrases_;  // longest first
};

}  // namespace jina_double
