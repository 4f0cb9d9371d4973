// The DOM half of text_input_bridge.h: a hidden <input> that takes text from the keyboard, input methods and
// synthetic `input` events, and hands each committed piece to C++.
mergeInto(LibraryManager.library, {
  $TextInputBridge: {
    input: null,
    box: {x: 0, y: 0, w: 0, h: 0},  // the text field being edited, CSS pixels relative to the canvas
    caretX: 0,

    // Sends the input's committed text to ImGui and empties the input.
    commit: function() {
      var input = TextInputBridge.input;
      var text = input.value;
      input.value = '';
      if (!text) return;
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      _polylens_text_input(ptr);
      _free(ptr);
    },

    contains: function(event) {
      var rect = Module['canvas'].getBoundingClientRect();
      var x = event.clientX - rect.left, y = event.clientY - rect.top, box = TextInputBridge.box;
      return x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
    },
  },

  polylens_js_text_input_install__deps: ['$TextInputBridge', 'malloc', 'free'],
  polylens_js_text_input_install: function() {
    var input = document.getElementById('text-input');
    TextInputBridge.input = input;
    input.addEventListener('input', function(event) {
      if (event.isComposing) return;  // the IME is still composing: wait for compositionend
      // Undo/redo would replay text we already handed over.
      if (event.inputType && event.inputType.indexOf('history') === 0) { input.value = ''; return; }
      TextInputBridge.commit();
    });
    // Chromium sends the last `input` of a composition with isComposing still true; Safari sends it after
    // compositionend. Committing here covers both (the second finds the input empty).
    input.addEventListener('compositionend', function() { TextInputBridge.commit(); });
    // A click on the query box focuses the input at once, inside the user gesture (virtual keyboards need one,
    // and keys typed before the next frame must not land on <body>). Elsewhere the canvas behaves as usual.
    Module['canvas'].addEventListener('mousedown', function(event) {
      if (!TextInputBridge.contains(event)) return;
      event.preventDefault();  // keep the focus in the input rather than moving it to <body>
      input.focus({preventScroll: true});
    });
  },

  polylens_js_text_input_update__deps: ['$TextInputBridge'],
  polylens_js_text_input_update: function(wantsText, x, y, w, h, caretX, secret) {
    var input = TextInputBridge.input, box = TextInputBridge.box;
    // A secret goes through a password input: keyboards and input methods do not learn or suggest from it.
    var type = secret ? 'password' : 'text';
    if (input.type !== type) {
      input.value = '';
      input.type = type;
      input.setAttribute('aria-label', secret ? 'Admin token' : 'Search query');
    }
    // The box answers clicks; the input itself starts at the caret (where an IME shows its candidates).
    caretX = Math.min(Math.max(caretX, x), x + w - 1);
    if (box.x !== x || box.y !== y || box.w !== w || box.h !== h || TextInputBridge.caretX !== caretX) {
      TextInputBridge.box = {x: x, y: y, w: w, h: h};
      TextInputBridge.caretX = caretX;
      var rect = Module['canvas'].getBoundingClientRect();
      input.style.left = (rect.left + caretX) + 'px';
      input.style.top = (rect.top + y) + 'px';
      input.style.width = Math.max(1, x + w - caretX) + 'px';
      input.style.height = Math.max(1, h) + 'px';
    }
    var focused = document.activeElement === input;
    if (wantsText && !focused) {
      input.focus({preventScroll: true});
    } else if (!wantsText && focused) {
      input.blur();
      input.value = '';
    }
  },
});
