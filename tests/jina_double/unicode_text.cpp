#include "unicode_text.h"

namespace jina_double {

std::u32string utf8_to_utf32(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size()) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1f) : extra == 2 ? (c & 0x0f) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    out += cp;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

std::string utf32_to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

namespace {
bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }
bool is_space(char32_t c) {
  return c == U' ' || in(c, U'\t', U'\r') || c == 0xa0 || c == 0x1680 || in(c, 0x2000, 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}
}  // namespace

char32_t char_fold(char32_t c) {
  if (in(c, U'A', U'Z')) return c + 32;
  if (c < 0xc0) return c;
  // Latin-1 capitals (U+00D7 is the multiplication sign).
  if (in(c, 0xc0, 0xde) && c != 0xd7) return c + 32;
  // Latin Extended-A: capitals and small letters alternate, with the parity flipping twice.
  if (in(c, 0x100, 0x12f) || in(c, 0x132, 0x137) || in(c, 0x14a, 0x177)) return c | 1;
  if (in(c, 0x139, 0x148) || in(c, 0x179, 0x17e)) return (c & 1) ? c + 1 : c;
  if (c == 0x130) return U'i';  // Turkish dotted capital I
  if (c == 0x178) return 0xff;
  // Latin Extended-B: only the Vietnamese horned letters matter here.
  if (c == 0x1a0 || c == 0x1af) return c + 1;
  // Greek: accented capitals, then the plain alphabet; final sigma folds to sigma.
  if (c == 0x386) return 0x3ac;
  if (in(c, 0x388, 0x38a)) return c + 37;
  if (c == 0x38c) return 0x3cc;
  if (in(c, 0x38e, 0x38f)) return c + 63;
  if (in(c, 0x391, 0x3ab) && c != 0x3a2) return c + 32;
  if (c == 0x3c2) return 0x3c3;
  // Cyrillic, including the Ukrainian letters.
  if (in(c, 0x400, 0x40f)) return c + 80;
  if (in(c, 0x410, 0x42f)) return c + 32;
  if (in(c, 0x460, 0x481) || in(c, 0x48a, 0x4bf)) return c | 1;
  // Latin Extended Additional (Vietnamese).
  if (in(c, 0x1e00, 0x1e95) || in(c, 0x1ea0, 0x1eff)) return c | 1;
  if (c == 0x2018 || c == 0x2019 || c == 0x02bc) return U'\'';
  return c;
}

std::u32string text_fold(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char32_t c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += U' ';
    pending_space = false;
    out += char_fold(c);
  }
  return out;
}

bool is_spaced_word_char(char32_t c) {
  if (in(c, U'0', U'9') || in(c, U'a', U'z') || in(c, U'A', U'Z')) return true;
  if (c < 0xc0) return false;
  if (c == 0xd7 || c == 0xf7) return false;
  return in(c, 0xc0, 0x24f)         // Latin-1 letters, Latin Extended-A/B
         || in(c, 0x300, 0x36f)     // combining diacritics
         || in(c, 0x370, 0x3ff)     // Greek
         || in(c, 0x400, 0x52f)     // Cyrillic
         || in(c, 0x5d0, 0x5ea)     // Hebrew letters
         || in(c, 0x610, 0x61a) || in(c, 0x620, 0x669) || in(c, 0x671, 0x6d3)  // Arabic letters, marks, digits
         || in(c, 0x900, 0x963) || in(c, 0x966, 0x97f)                        // Devanagari (not the dandas)
         || in(c, 0x980, 0x9ff)                                               // Bengali
         || in(c, 0x1e00, 0x1eff)                                             // Latin Extended Additional
         || c == 0x200c || c == 0x200d;  // zero-width (non-)joiners live inside Indic words
}

bool is_unspaced_script_char(char32_t c) {
  return in(c, 0xe00, 0xe7f)        // Thai
         || in(c, 0x3040, 0x30ff)   // hiragana, katakana
         || in(c, 0x3400, 0x4dbf) || in(c, 0x4e00, 0x9fff) || in(c, 0xf900, 0xfaff)  // CJK ideographs
         || in(c, 0x1100, 0x11ff) || in(c, 0x3130, 0x318f) || in(c, 0xac00, 0xd7af)  // Hangul
         || in(c, 0x31f0, 0x31ff) || in(c, 0xff66, 0xff9f);                           // kana extensions
}

bool is_separator(char32_t c) {
  if (is_space(c)) return true;
  if (c < 0x80) return !(in(c, U'0', U'9') || in(c, U'a', U'z') || in(c, U'A', U'Z'));
  return in(c, 0xa1, 0xbf) || c == 0xd7 || c == 0xf7 || c == 0x60c || c == 0x61b || c == 0x61f || c == 0x6d4 ||
         c == 0x964 || c == 0x965 || c == 0x5be || c == 0x5c0 || c == 0x5c3 || in(c, 0x2010, 0x205e) ||
         in(c, 0x3001, 0x303f) || in(c, 0xff01, 0xff0f) || in(c, 0xff1a, 0xff20) || in(c, 0xff3b, 0xff40) ||
         in(c, 0xff5b, 0xff65) || c == 0x30fb || c == 0xfffd;
}

}  // namespace jina_double
