#include "lexicon.h"

#include <algorithm>
#include <stdexcept>

#include "unicode_text.h"

namespace jina_double {

namespace {
std::vector<std::string> split_on(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = trim_ascii(text.substr(start, end - start));
    if (!part.empty()) parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}
}  // namespace

lexicon lexicon::from_table(const tsv_table& table) {
  lexicon out;
  std::size_t concept_column = table.column("concept");
  std::size_t tags_column = table.column("match_tags");
  // Every column after match_tags is a language.
  std::size_t first_language = tags_column + 1;
  for (std::size_t c = first_language; c < table.header.size(); ++c) out.languages_.push_back(table.header[c]);
  if (out.languages_.empty()) throw std::runtime_error("queries.tsv has no language columns");

  for (const auto& row : table.rows) {
    concept_entry entry;
    entry.id = std::string(trim_ascii(row[concept_column]));
    if (entry.id.empty()) continue;
    for (const auto& tag : split_on(row[tags_column], ';'))
      entry.match_tags.push_back(utf32_to_utf8(text_fold(utf8_to_utf32(tag))));
    for (std::size_t c = first_language; c < table.header.size(); ++c)
      entry.translations.emplace_back(trim_ascii(row[c]));
    out.concepts_.push_back(std::move(entry));
  }
  for (int i = 0; i < static_cast<int>(out.concepts_.size()); ++i) {
    for (const auto& translation : out.concepts_[i].translations) out.add_phrase(translation, i);
    for (const auto& tag : out.concepts_[i].match_tags) out.add_phrase(tag, i);
  }
  // Longest first; ties broken by text so the order never depends on the file's row order.
  std::stable_sort(out.phrases_.begin(), out.phrases_.end(), [](const phrase& a, const phrase& b) {
    if (a.folded.size() != b.folded.size()) return a.folded.size() > b.folded.size();
    return a.folded < b.folded;
  });
  return out;
}

void lexicon::add_phrase(std::string_view text, int concept_index) {
  std::u32string folded = text_fold(utf8_to_utf32(text));
  if (folded.empty()) return;
  // The same phrase twice (e.g. "pizza" in 12 languages) is one phrase; the first concept keeps it.
  for (const auto& existing : phrases_)
    if (existing.folded == folded) return;
  phrase p;
  p.folded = std::move(folded);
  p.concept_index = concept_index;
  p.needs_boundary_before = is_spaced_word_char(p.folded.front());
  p.needs_boundary_after = is_spaced_word_char(p.folded.back());
  phrases_.push_back(std::move(p));
}

int lexicon::find_concept(std::string_view id) const {
  for (std::size_t i = 0; i < concepts_.size(); ++i)
    if (concepts_[i].id == id) return static_cast<int>(i);
  return -1;
}

text_analysis lexicon::analyse(std::string_view text) const {
  std::u32string folded = text_fold(utf8_to_utf32(text));
  std::vector<bool> consumed(folded.size(), false);
  text_analysis out;

  for (const auto& p : phrases_) {
    std::size_t pos = 0;
    while ((pos = folded.find(p.folded, pos)) != std::u32string::npos) {
      std::size_t end = pos + p.folded.size();
      bool free = std::none_of(consumed.begin() + static_cast<std::ptrdiff_t>(pos),
                               consumed.begin() + static_cast<std::ptrdiff_t>(end), [](bool b) { return b; });
      bool starts_word = !p.needs_boundary_before || pos == 0 || !is_spaced_word_char(folded[pos - 1]);
      bool ends_word = !p.needs_boundary_after || end == folded.size() || !is_spaced_word_char(folded[end]);
      if (free && starts_word && ends_word) {
        std::fill(consumed.begin() + static_cast<std::ptrdiff_t>(pos), consumed.begin() + static_cast<std::ptrdiff_t>(end),
                  true);
        out.concepts.push_back(p.concept_index);
        pos = end;
      } else {
        ++pos;
      }
    }
  }

  std::u32string word;
  auto flush = [&] {
    if (!word.empty()) out.unknown_words.push_back(utf32_to_utf8(word));
    word.clear();
  };
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (consumed[i] || is_separator(folded[i]))
      flush();
    else
      word += folded[i];
  }
  flush();

  std::sort(out.concepts.begin(), out.concepts.end());
  std::sort(out.unknown_words.begin(), out.unknown_words.end());
  return out;
}

}  // namespace jina_double
