// Which writing systems a UTF-8 string uses, as far as drawing it is concerned: ImGui's font atlas draws one
// glyph per code point, left to right, so it is right for Latin, Greek, Cyrillic and (with a CJK font) Chinese,
// Japanese and Korean, and wrong for anything that needs bidi or shaping. The web client asks this module which
// strings the browser must draw instead (web/browser_text.h) and which script fonts to fetch.
//
// Ranges are Unicode blocks, not the Script property: a block-level answer is all a renderer choice needs, and it
// keeps the table small. Where that is approximate (a Latin combining mark on its own, say) it errs towards the
// browser, which draws every string correctly.
#pragma once
#include <cstdint>
#include <string_view>

namespace polylens {

// One bit per script that has its own font (web/browser_text.js fetches it the first time such text appears),
// plus two catch-alls.
enum text_script : unsigned {
  script_arabic = 1u << 0,
  script_hebrew = 1u << 1,
  script_devanagari = 1u << 2,
  script_bengali = 1u << 3,
  script_thai = 1u << 4,
  script_other_complex = 1u << 5,  // other right-to-left or shaped scripts, combining marks, emoji: system fonts
  script_cjk = 1u << 6,            // Han, kana, CJK punctuation and full-width forms: ImGui's CJK font
  script_hangul = 1u << 7,         // Hangul: the CJK font has none, so the browser draws it (NanumGothic)
};

// Scripts ImGui's atlas cannot draw right, whatever font it has: right-to-left or shaped. And Hangul: Droid Sans
// Fallback, the atlas's CJK font, has no Hangul syllables; the browser draws them with NanumGothic.
constexpr unsigned scripts_needing_browser =
    script_arabic | script_hebrew | script_devanagari | script_bengali | script_thai | script_other_complex |
    script_hangul;

// The scripts used in `utf8` (a bit set of text_script). Invalid UTF-8 counts as nothing.
unsigned text_scripts(std::string_view utf8);

enum class text_direction { ltr, rtl };
// The paragraph direction a browser gives `dir="auto"` text: that of the first strongly directional character
// (UAX #9 rules P2 and P3), left to right when there is none. Strong characters are approximated by blocks:
// letters of right-to-left blocks are R or AL, letters of other blocks are L; ASCII, Latin-1 symbols, general
// punctuation, digits and combining marks are neutral.
text_direction text_base_direction(std::string_view utf8);

// Decodes one code point at `i` and advances `i`; an invalid sequence yields U+FFFD and skips one byte.
char32_t utf8_next(std::string_view utf8, std::size_t& i);

}  // namespace polylens
