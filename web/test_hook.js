// The DOM half of test_hook.h: window.polylens.state() parses the JSON snapshot made in C++.
mergeInto(LibraryManager.library, {
  polylens_js_test_hook_install: function() {
    window.polylens = Object.freeze({
      state: function() { return JSON.parse(UTF8ToString(_polylens_state_json())); },
    });
  },
});
