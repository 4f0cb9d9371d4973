#include "text_scripts.h"

#include <algorithm>
#include <iterator>

namespace polylens {

namespace {

struct script_range {
  char32_t first, last;
  unsigned script;
  bool rtl;
};

// Sorted by first code point; gaps are Latin, Greek, Cyrillic, symbols and everything ImGui draws well enough.
constexpr script_range ranges[] = {
    {0x0300, 0x036F, script_other_complex, false},  // combining diacritical marks (decomposed Latin, Greek, ...)
    {0x0483, 0x0489, script_other_complex, false},  // Cyrillic combining marks
    {0x0590, 0x05FF, script_hebrew, true},
    {0x0600, 0x06FF, script_arabic, true},
    {0x0700, 0x074F, script_other_complex, true},  // Syriac
    {0x0750, 0x077F, script_arabic, true},         // Arabic Supplement
    {0x0780, 0x085F, script_other_complex, true},  // Thaana, NKo, Samaritan, Mandaic
    {0x0860, 0x086F, script_other_complex, true},  // Syriac Supplement
    {0x0870, 0x08FF, script_arabic, true},         // Arabic Extended-B and -A
    {0x0900, 0x097F, script_devanagari, false},
    {0x0980, 0x09FF, script_bengali, false},
    {0x0A00, 0x0DFF, script_other_complex, false},  // Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, ..., Sinhala
    {0x0E00, 0x0E7F, script_thai, false},
    {0x0E80, 0x109F, script_other_complex, false},  // Lao, Tibetan, Myanmar
    {0x1100, 0x11FF, script_hangul, false},         // Hangul Jamo
    {0x1700, 0x18AF, script_other_complex, false},  // Philippine scripts, Khmer, Mongolian
    {0x1900, 0x1AFF, script_other_complex, false},  // Limbu, Tai Le, New Tai Lue, Buginese, Tai Tham, combining marks
    {0x1B00, 0x1C4F, script_other_complex, false},  // Balinese, Sundanese, Batak, Lepcha
    {0x1CD0, 0x1CFF, script_other_complex, false},  // Vedic extensions
    {0x1DC0, 0x1DFF, script_other_complex, false},  // combining diacritical marks supplement
    {0x20D0, 0x20FF, script_other_complex, false},  // combining marks for symbols
    {0x2E80, 0x2FDF, script_cjk, false},            // CJK radicals, Kangxi radicals
    {0x2FF0, 0x312F, script_cjk, false},     // CJK symbols and punctuation, kana, Bopomofo
    {0x3130, 0x318F, script_hangul, false},  // Hangul compatibility Jamo
    {0x3190, 0x9FFF, script_cjk, false},     // Kanbun, Bopomofo extended, CJK strokes, kana extensions, Han
    {0xA840, 0xA8FF, script_other_complex, false},  // Phags-pa, Saurashtra, Devanagari Extended
    {0xA900, 0xA95F, script_other_complex, false},  // Kayah Li, Rejang
    {0xA960, 0xA97F, script_hangul, false},         // Hangul Jamo Extended-A
    {0xA980, 0xAAFF, script_other_complex, false},  // Javanese, Myanmar Extended, Cham, Tai Viet
    {0xABC0, 0xABFF, script_other_complex, false},  // Meetei Mayek
    {0xAC00, 0xD7FF, script_hangul, false},         // Hangul syllables, Jamo Extended-B
    {0xF900, 0xFAFF, script_cjk, false},            // CJK compatibility ideographs
    {0xFB1D, 0xFB4F, script_hebrew, true},          // Hebrew presentation forms
    {0xFB50, 0xFDFF, script_arabic, true},          // Arabic presentation forms A
    {0xFE20, 0xFE2F, script_other_complex, false},  // combining half marks
    {0xFE30, 0xFE4F, script_cjk, false},            // CJK compatibility forms
    {0xFE70, 0xFEFF, script_arabic, true},          // Arabic presentation forms B
    {0xFF00, 0xFFEF, script_cjk, false},            // half-width and full-width forms
    {0x10800, 0x10FFF, script_other_complex, true},  // historic right-to-left scripts, Hanifi Rohingya, Yezidi
    {0x11000, 0x11FFF, script_other_complex, false},  // Brahmi and the other historic Indic scripts
    {0x16F00, 0x16F9F, script_other_complex, false},  // Miao
    {0x1E800, 0x1EFFF, script_other_complex, true},  // Mende Kikakui, Adlam, Arabic mathematical symbols
    {0x1F000, 0x1FAFF, script_other_complex, false},  // emoji and pictographs: ImGui's fonts have none
    {0x20000, 0x3FFFF, script_cjk, false},            // CJK extensions B and later
};

const script_range* find_range(char32_t c) {
  auto it = std::upper_bound(std::begin(ranges), std::end(ranges), c,
                             [](char32_t value, const script_range& r) { return value < r.first; });
  if (it == std::begin(ranges)) return nullptr;
  --it;
  return c <= it->last ? &*it : nullptr;
}

// Neutral or weak for UAX #9 (approximately): ASCII other than letters, Latin-1 symbols, general punctuation and
// symbols, combining marks, CJK punctuation, variation selectors, specials.
bool is_neutral(char32_t c) {
  if (c < 0x80) return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  if (c < 0xC0) return c != 0xAA && c != 0xB5 && c != 0xBA;  // ª µ º are letters
  if (c == 0xD7 || c == 0xF7) return true;
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489)) return true;  // combining marks
  if ((c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0xFE20 && c <= 0xFE2F)) return true;
  if (c >= 0x2000 && c <= 0x2BFF) return true;  // punctuation, super/subscripts, currency, arrows, symbols
  if (c >= 0x3000 && c <= 0x303F) return true;
  if (c >= 0xFE00 && c <= 0xFE0F) return true;
  if (c >= 0xFFF0) return c <= 0xFFFF;
  return false;
}

}  // namespace

char32_t utf8_next(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  int extra = 0;
  char32_t c = 0;
  if (b0 < 0x80) { ++i; return b0; }
  if ((b0 & 0xE0) == 0xC0) { extra = 1; c = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { extra = 2; c = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { extra = 3; c = b0 & 0x07; }
  else { ++i; return 0xFFFD; }
  if (i + extra >= s.size()) { ++i; return 0xFFFD; }  // truncated at the end
  for (int k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms and surrogates are invalid too.
  static constexpr char32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
  if (c < min_for_length[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) { ++i; return 0xFFFD; }
  i += extra + 1;
  return c;
}

unsigned text_scripts(std::string_view utf8) {
  unsigned scripts = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    // ASCII fast path: most strings the page draws are Latin.
    if (static_cast<unsigned char>(utf8[i]) < 0x80) { ++i; continue; }
    const char32_t c = utf8_next(utf8, i);
    if (const script_range* r = find_range(c)) scripts |= r->script;
  }
  return scripts;
}

text_direction text_base_direction(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t c = utf8_next(utf8, i);
    if (c == 0xFFFD || is_neutral(c)) continue;
    const script_range* r = find_range(c);
    if (r && r->rtl) {
      // Digits and marks inside right-to-left blocks are not strong (Arabic-Indic digits are AN).
      if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9) || (c >= 0x0591 && c <= 0x05BD) ||
          (c >= 0x064B && c <= 0x065F))
        continue;
      return text_direction::rtl;
    }
    return text_direction::ltr;
  }
  return text_direction::ltr;
}

}  // namespace polylens
