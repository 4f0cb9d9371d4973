// The DOM half of browser_text.h: the browser draws a string on a 2D canvas (its own bidi, shaping and font
// fallback, the same text stack as any web page), and the canvas is uploaded into a WebGL texture that C++ draws
// as an ImGui image. A hidden <span> laid out in the same font answers where a caret or a selection falls.
//
// Fonts: one Noto font per script with its own bit in shared/text_scripts.h, fetched with the FontFace API the
// first time *content* text of that script is drawn (a query, a title), never for a label. Until it has arrived,
// and for every other script, the browser's own fonts draw (`sans-serif`); when it arrives, `generation` goes up
// and C++ draws every string again.
mergeInto(LibraryManager.library, {
  $BrowserText__deps: ['$GL'],
  $BrowserText: {
    canvas: null,
    ctx: null,
    box: null,   // <div> holding the measuring span
    span: null,
    generation: 0,
    laid: '',    // what the measuring span holds now
    maxSize: 0,  // the GPU's largest texture side
    // The bit is text_script's (shared/text_scripts.h); the files are copied from fonts-noto-core at build time.
    fonts: [
      {bit: 1, name: 'arabic', family: 'Polylens Arabic', url: 'fonts/NotoSansArabic-Regular.ttf'},
      {bit: 2, name: 'hebrew', family: 'Polylens Hebrew', url: 'fonts/NotoSansHebrew-Regular.ttf'},
      {bit: 4, name: 'devanagari', family: 'Polylens Devanagari', url: 'fonts/NotoSansDevanagari-Regular.ttf'},
      {bit: 8, name: 'bengali', family: 'Polylens Bengali', url: 'fonts/NotoSansBengali-Regular.ttf'},
      {bit: 16, name: 'thai', family: 'Polylens Thai', url: 'fonts/NotoSansThai-Regular.ttf'},
      // Hangul: fonts-nanum (Debian has no Noto CJK in bookworm's fonts-noto-core).
      {bit: 128, name: 'hangul', family: 'Polylens Hangul', url: 'fonts/NanumGothic.ttf'},
    ],
    // ImGui sizes a font by its line height (ascent - descent); CSS by its em. DejaVu Sans, the UI font, has
    // 0.86 em per line height and its baseline 0.8 line heights down: browser text uses the same proportions, so
    // it stands the same size and on the same baseline as the ImGui text around it.
    emPerLine: 0.86,
    baselinePerLine: 0.8,

    init: function() {
      if (BrowserText.ctx) return;
      BrowserText.canvas = document.createElement('canvas');
      BrowserText.ctx = BrowserText.canvas.getContext('2d');
      var box = document.createElement('div');
      box.setAttribute('aria-hidden', 'true');
      box.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;white-space:pre;' +
                          'pointer-events:none;line-height:normal';
      var span = document.createElement('span');
      box.appendChild(span);
      document.body.appendChild(box);
      BrowserText.box = box;
      BrowserText.span = span;
    },

    // Starts fetching the fonts of these scripts that are not asked for yet.
    request: function(scripts) {
      BrowserText.fonts.forEach(function(font) {
        if (!(scripts & font.bit) || font.face) return;
        font.face = new FontFace(font.family, 'url("' + font.url + '")');
        document.fonts.add(font.face);
        font.face.load().then(function() { BrowserText.generation++; }, function(error) {
          // The browser's own fonts keep drawing the script; say why, once.
          console.warn('Polylens: the font ' + font.url + ' did not load: ' + error);
        });
      });
    },

    // The CSS font for text of these scripts: the script fonts that have arrived first (each covers its script
    // and little else), then the browser's own, which also draws the Latin and everything else in the string.
    font: function(sizePx, scripts) {
      var families = [];
      BrowserText.fonts.forEach(function(font) {
        if ((scripts & font.bit) && font.face && font.face.status === 'loaded') families.push('"' + font.family + '"');
      });
      families.push('sans-serif');
      return (sizePx * BrowserText.emPerLine).toFixed(2) + 'px ' + families.join(', ');
    },

    segments: function(text, granularity) {
      if (typeof Intl !== 'undefined' && Intl.Segmenter) {
        var out = [];
        for (var s of new Intl.Segmenter(undefined, {granularity: granularity}).segment(text)) out.push(s.segment);
        return out;
      }
      return granularity === 'word' ? text.split(/(\s+)/).filter(Boolean) : Array.from(text);
    },

    // Greedy line breaking at word boundaries (Intl.Segmenter knows Thai and CJK words too); a word wider than
    // the line is cut between grapheme clusters. With maxLines reached and text left, the last line ends in an
    // ellipsis (at its logical end: the left for right-to-left text).
    breakLines: function(text, wrap, maxLines, widthOf) {
      if (!(wrap > 0)) return [text];
      var limit = maxLines > 0 ? maxLines : Infinity;
      var words = BrowserText.segments(text, 'word');
      var lines = [], line = '', more = false;
      outer: for (var k = 0; k < words.length; ++k) {
        var word = words[k];
        if (widthOf((line + word).trimEnd()) <= wrap) { line += word; continue; }
        if (line.trim() !== '') {
          lines.push(line.trimEnd());
          line = '';
          if (lines.length === limit) { more = words.slice(k).join('').trim() !== ''; break; }
          word = word.trimStart();
        }
        var graphemes = BrowserText.segments(word, 'grapheme');
        for (var g = 0; g < graphemes.length; ++g) {
          if (line !== '' && widthOf(line + graphemes[g]) > wrap) {
            lines.push(line);
            line = '';
            if (lines.length === limit) { more = true; break outer; }
          }
          line += graphemes[g];
        }
      }
      if (!more && line.trim() !== '') lines.push(line.trimEnd());
      if (more) {
        var last = BrowserText.segments(lines[lines.length - 1], 'grapheme');
        while (last.length > 0 && widthOf(last.join('') + '\u2026') > wrap) last.pop();
        lines[lines.length - 1] = last.join('').trimEnd() + '\u2026';
      }
      return lines.length ? lines : [''];
    },

    // [left, right] spans (CSS pixels from the text's left edge) that the UTF-16 range [begin, end) covers in the
    // browser's layout of `text` on one line; a collapsed range gives the caret.
    rangeSpans: function(text, font, rtl, begin, end) {
      var span = BrowserText.span;
      var laid = (rtl ? 'r' : 'l') + font + '\u0000' + text;
      if (BrowserText.laid !== laid) {  // measuring again in the same layout costs no new layout
        BrowserText.laid = laid;
        BrowserText.box.dir = rtl ? 'rtl' : 'ltr';
        span.style.font = font;
        span.textContent = text;
      }
      var origin = span.getBoundingClientRect().left;
      var node = span.firstChild;
      var out = [];
      if (!node) return out;
      var range = document.createRange();
      range.setStart(node, Math.min(begin, text.length));
      range.setEnd(node, Math.min(end, text.length));
      var rects = range.getClientRects();
      for (var i = 0; i < rects.length; ++i) out.push([rects[i].left - origin, rects[i].right - origin]);
      if (out.length === 0 && begin === end) {
        var r = range.getBoundingClientRect();
        out.push([r.left - origin, r.left - origin]);
      }
      return out;
    },

    // Draws `text` in white on the canvas (C++ tints it) and returns its metrics. Sizes in device pixels.
    draw: function(text, sizePx, wrap, maxLines, center, scripts, label, rtl, markBegin, markEnd) {
      BrowserText.init();
      if (!label) BrowserText.request(scripts);
      var canvas = BrowserText.canvas, ctx = BrowserText.ctx;
      var font = BrowserText.font(sizePx, scripts);
      ctx.font = font;
      var widthOf = function(s) { return ctx.measureText(s).width; };
      var lines = BrowserText.breakLines(text, wrap, maxLines, widthOf);
      var widths = lines.map(widthOf);
      var boxWidth = Math.ceil(Math.max.apply(null, widths.concat([1])));
      var lineHeight = sizePx;
      // Room for what reaches beyond the line box: Devanagari's vowel signs, Thai's stacked marks, Arabic's tails.
      var padX = Math.ceil(sizePx * 0.25), padY = Math.ceil(sizePx * 0.45);
      // A texture may not be wider than the GPU allows (8192 px or more): a longer string is cut there.
      if (!BrowserText.maxSize) BrowserText.maxSize = GLctx.getParameter(GLctx.MAX_TEXTURE_SIZE);
      boxWidth = Math.min(boxWidth, BrowserText.maxSize - 2 * padX);
      canvas.width = boxWidth + 2 * padX;
      canvas.height = Math.ceil(lines.length * lineHeight) + 2 * padY;
      ctx.font = font;  // resizing the canvas reset the context
      ctx.direction = rtl ? 'rtl' : 'ltr';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      ctx.fillStyle = '#fff';
      var lefts = widths.map(function(w) { return center ? (boxWidth - w) / 2 : rtl ? boxWidth - w : 0; });
      for (var i = 0; i < lines.length; ++i)
        ctx.fillText(lines[i], padX + lefts[i], padY + i * lineHeight + lineHeight * BrowserText.baselinePerLine);
      // An input method's composition: underlined, as every text field underlines it (one line only).
      if (markEnd > markBegin && lines.length === 1) {
        var thickness = Math.max(1, Math.round(sizePx / 14));
        BrowserText.rangeSpans(text, font, rtl, markBegin, markEnd).forEach(function(s) {
          ctx.fillRect(padX + lefts[0] + s[0], padY + lineHeight * 0.94, s[1] - s[0], thickness);
        });
      }
      return {width: boxWidth, height: lines.length * lineHeight, padX: padX, padY: padY, lines: lines.length};
    },

    upload: function(texture) {
      var gl = GLctx;
      gl.bindTexture(gl.TEXTURE_2D, texture);
      // Not premultiplied (WebGL's default): white with the coverage as alpha, which ImGui's blending expects.
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, BrowserText.canvas);
    },

    // For bench/web_fonts.mjs: draws and uploads each string `rounds` times to a scratch texture, as a cache miss
    // does, and returns the milliseconds it took. Nothing on the page changes.
    benchmark: function(strings, sizePx, rounds, scripts) {
      var gl = GLctx, texture = gl.createTexture();
      var start = performance.now();
      for (var r = 0; r < rounds; ++r) {
        strings.forEach(function(text) {
          BrowserText.draw(text, sizePx, 0, 0, false, scripts, true, false, -1, -1);
          BrowserText.upload(texture);
        });
      }
      var ms = performance.now() - start;
      gl.deleteTexture(texture);
      return ms;
    },
  },

  polylens_js_text_render__deps: ['$BrowserText', '$GL'],
  polylens_js_text_render: function(textPtr, sizePx, wrap, maxLines, center, scripts, label, rtl, markBegin, markEnd,
                                    texture, out) {
    var text = UTF8ToString(textPtr);
    // Byte offsets from C++ become UTF-16 offsets here.
    var begin = markBegin >= 0 ? UTF8ToString(textPtr, markBegin).length : -1;
    var end = markEnd >= 0 ? UTF8ToString(textPtr, markEnd).length : -1;
    var m = BrowserText.draw(text, sizePx, wrap, maxLines, !!center, scripts, !!label, !!rtl, begin, end);
    BrowserText.upload(GL.textures[texture]);
    var f = out >> 2;
    HEAPF32[f] = m.width;
    HEAPF32[f + 1] = m.height;
    HEAPF32[f + 2] = BrowserText.canvas.width;
    HEAPF32[f + 3] = BrowserText.canvas.height;
    HEAPF32[f + 4] = m.padX;
    HEAPF32[f + 5] = m.padY;
    HEAPF32[f + 6] = m.lines;
  },

  // Where the caret (byte offset `caret`) and the selection [selBegin, selEnd) fall in the one-line layout of the
  // text, in device pixels from its left edge. out: caret x, then up to `maxSpans` [left, right] pairs; returns
  // the number of pairs.
  polylens_js_text_caret__deps: ['$BrowserText'],
  polylens_js_text_caret: function(textPtr, sizePx, scripts, rtl, caret, selBegin, selEnd, out, maxSpans) {
    BrowserText.init();
    var text = UTF8ToString(textPtr);
    var utf16 = function(bytes) { return UTF8ToString(textPtr, bytes).length; };
    var font = BrowserText.font(sizePx, scripts);
    var f = out >> 2;
    var at = BrowserText.rangeSpans(text, font, !!rtl, utf16(caret), utf16(caret));
    HEAPF32[f] = at.length ? at[0][0] : 0;
    var spans = selEnd > selBegin ? BrowserText.rangeSpans(text, font, !!rtl, utf16(selBegin), utf16(selEnd)) : [];
    var n = Math.min(spans.length, maxSpans);
    for (var i = 0; i < n; ++i) {
      HEAPF32[f + 1 + 2 * i] = spans[i][0];
      HEAPF32[f + 2 + 2 * i] = spans[i][1];
    }
    return n;
  },

  // The byte offset of the caret position nearest to x (device pixels from the text's left edge) in the one-line
  // layout of the text: where a click puts the caret. Only grapheme cluster boundaries are candidates.
  polylens_js_text_hit__deps: ['$BrowserText'],
  polylens_js_text_hit: function(textPtr, sizePx, scripts, rtl, x) {
    BrowserText.init();
    var text = UTF8ToString(textPtr);
    var font = BrowserText.font(sizePx, scripts);
    var boundaries = [0], utf16 = 0;
    BrowserText.segments(text, 'grapheme').forEach(function(g) { boundaries.push(utf16 += g.length); });
    var best = 0, bestDistance = Infinity;
    boundaries.forEach(function(b) {
      var at = BrowserText.rangeSpans(text, font, !!rtl, b, b);
      var distance = at.length ? Math.abs(at[0][0] - x) : Infinity;
      if (distance < bestDistance) { bestDistance = distance; best = b; }
    });
    return lengthBytesUTF8(text.slice(0, best));
  },

  // The byte offset one caret position to the left (step -1) or right (+1) of the caret at byte `caret`, on
  // screen: the nearest grapheme boundary whose caret position lies that way in the one-line layout. What the arrow
  // keys do in a browser's text field, whatever the direction of the text.
  polylens_js_text_step__deps: ['$BrowserText'],
  polylens_js_text_step: function(textPtr, sizePx, scripts, rtl, caret, step) {
    BrowserText.init();
    var text = UTF8ToString(textPtr);
    var font = BrowserText.font(sizePx, scripts);
    var xAt = function(utf16) {
      var at = BrowserText.rangeSpans(text, font, !!rtl, utf16, utf16);
      return at.length ? at[0][0] : NaN;
    };
    var from = UTF8ToString(textPtr, caret).length;
    var here = xAt(from);
    var boundaries = [0], utf16 = 0;
    BrowserText.segments(text, 'grapheme').forEach(function(g) { boundaries.push(utf16 += g.length); });
    var best = from, bestX = step < 0 ? -Infinity : Infinity;
    boundaries.forEach(function(b) {
      var x = xAt(b);
      if (step < 0 ? x < here - 0.5 && x > bestX : x > here + 0.5 && x < bestX) { best = b; bestX = x; }
    });
    return lengthBytesUTF8(text.slice(0, best));
  },

  polylens_js_text_generation__deps: ['$BrowserText'],
  polylens_js_text_generation: function() {
    // The benchmark reaches the renderer through the module (it is not part of the page's API).
    if (!Module['browserText']) Module['browserText'] = BrowserText;
    return BrowserText.generation;
  },

  // Script fonts: bits asked for in the low byte, bits arrived in the next.
  polylens_js_text_fonts__deps: ['$BrowserText'],
  polylens_js_text_fonts: function() {
    var asked = 0, loaded = 0;
    BrowserText.fonts.forEach(function(font) {
      if (font.face) asked |= font.bit;
      if (font.face && font.face.status === 'loaded') loaded |= font.bit;
    });
    return asked | (loaded << 8);
  },
});
