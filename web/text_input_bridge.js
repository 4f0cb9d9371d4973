// The DOM half of text_input_bridge.h: a hidden <input> that takes text from the keyboard, input methods and
// synthetic `input` events, and hands each committed piece to C++.
mergeInto(LibraryManager.library, {
  $TextInputBridge: {
    input: null,
    box: {x: 0, y: 0, w: 0, h: 0},  // the text field being edited, CSS pixels relative to the canvas
    caretX: 0,

    // Sends the input's committed text to ImGui and empties the input. paste: it was pasted or dropped.
    commit: function(paste) {
      var input = TextInputBridge.input;
      var text = input.value;
      input.value = '';
      if (!text) return;
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      _polylens_text_input(ptr, paste ? 1 : 0);
      _free(ptr);
    },

    // Tells C++ the composition in progress (the input holds nothing else: it is emptied on every commit).
    preedit: function(text, caret) {
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      _polylens_text_preedit(ptr, lengthBytesUTF8(text.slice(0, caret)));
      _free(ptr);
    },

    contains: function(event) {
      var rect = Module['canvas'].getBoundingClientRect();
      var x = event.clientX - rect.left, y = event.clientY - rect.top, box = TextInputBridge.box;
      return x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
    },
  },

  $TextInputBridge__deps: ['malloc', 'free'],
  polylens_js_text_input_install__deps: ['$TextInputBridge', 'malloc', 'free'],
  polylens_js_text_input_install: function() {
    var input = document.getElementById('text-input');
    TextInputBridge.input = input;
    input.addEventListener('input', function(event) {
      if (event.isComposing) {
        // The IME is still composing: show the composition, and wait for compositionend to commit it.
        TextInputBridge.preedit(input.value, input.selectionStart === null ? input.value.length : input.selectionStart);
        return;
      }
      // Undo/redo would replay text we already handed over.
      if (event.inputType && event.inputType.indexOf('history') === 0) { input.value = ''; return; }
      TextInputBridge.commit(event.inputType === 'insertFromPaste' || event.inputType === 'insertFromDrop');
    });
    // Chromium sends the last `input` of a composition with isComposing still true; Safari sends it after
    // compositionend. Committing here covers both (the second finds the input empty).
    input.addEventListener('compositionend', function() {
      TextInputBridge.preedit('', 0);
      TextInputBridge.commit(false);
    });
    input.addEventListener('compositionupdate', function(event) {
      TextInputBridge.preedit(event.data || '', (event.data || '').length);
    });
    input.addEventListener('blur', function() { TextInputBridge.preedit('', 0); });
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
