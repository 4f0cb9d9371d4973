// Just enough Unicode for phrase matching in 22 languages: UTF-8 <-> UTF-32, a case fold, and
// character classes that say where words end. No ICU: the double must build with the project's deps.
#pragma once
#include <string>
#include <string_view>

namespace jina_double {

// Invalid sequences become U+FFFD rather than failing: a query is never rejected for its spelling.
std::u32string utf8_to_utf32(std::string_view text);
std::string utf32_to_utf8(std::u32string_view text);

// Lower-cases (ASCII, Latin-1, Latin Extended-A/B and Additional, Greek, Cyrillic), folds final sigma
// to sigma and typographic apostrophes to ', turns every run of white space into one space and trims.
// Own tables instead of towlower(): towlower depends on the process locale (ASCII-only under "C").
std::u32string text_fold(std::u32string_view text);
char32_t char_fold(char32_t c);

// Letters and digits of scripts that separate words with spaces (Latin, Greek, Cyrillic, Hebrew,
// Arabic, Devanagari, Bengali). A phrase in these scripts only matches between word boundaries.
bool is_spaced_word_char(char32_t c);

// Scripts written without spaces between words (CJK, kana, Hangul syllables are often glued to
// particles, Thai): phrases in them match as plain substrings.
bool is_unspaced_script_char(char32_t c);

// White space and punctuation: what splits leftover text into words.
bool is_separator(char32_t c);

}  // namespace jina_double
