// The results for screen readers. The page is one <canvas>, which assistive technology cannot read, so the
// results are mirrored in visually hidden DOM elements: #results-live (role=status, aria-live=polite) lists
// every result of the last answer (rank, title, score, strong or weak) under a one-line summary, and
// #focus-live says which result the keyboard is on, or which one is open. Built with textContent only:
// titles are data, never markup.
mergeInto(LibraryManager.library, {
  $AriaLive: {
    results: null,
    focus: null,
    hide: function(element) {
      // The usual visually-hidden pattern: still read by screen readers, not drawn, not clickable.
      var s = element.style;
      s.position = 'absolute'; s.width = '1px'; s.height = '1px'; s.margin = '-1px'; s.padding = '0';
      s.border = '0'; s.overflow = 'hidden'; s.clip = 'rect(0 0 0 0)'; s.clipPath = 'inset(50%)';
      s.whiteSpace = 'nowrap';
    },
    region: function(id) {
      var element = document.createElement('div');
      element.id = id;
      element.setAttribute('role', 'status');
      element.setAttribute('aria-live', 'polite');
      AriaLive.hide(element);
      document.body.appendChild(element);
      return element;
    },
  },

  polylens_js_live_install__deps: ['$AriaLive'],
  polylens_js_live_install: function() {
    AriaLive.results = AriaLive.region('results-live');
    AriaLive.results.setAttribute('aria-label', 'Search results');
    AriaLive.focus = AriaLive.region('focus-live');
  },

  // json: {"summary": "...", "items": [{"rank", "title", "score", "strong", "text"}]}
  polylens_js_live_results__deps: ['$AriaLive'],
  polylens_js_live_results: function(json) {
    var data = JSON.parse(UTF8ToString(json));
    var region = AriaLive.results;
    region.textContent = '';
    var summary = document.createElement('p');
    summary.textContent = data.summary;
    region.appendChild(summary);
    if (!data.items.length) return;
    var list = document.createElement('ol');
    for (var i = 0; i < data.items.length; i++) {
      var item = data.items[i];
      var li = document.createElement('li');
      li.dataset.rank = String(item.rank);
      li.dataset.score = item.score;
      li.dataset.strong = item.strong ? 'true' : 'false';
      li.textContent = item.text;
      list.appendChild(li);
    }
    region.appendChild(list);
  },

  polylens_js_live_focus__deps: ['$AriaLive'],
  polylens_js_live_focus: function(text) { AriaLive.focus.textContent = UTF8ToString(text); },

  // '/' anywhere but in a text field puts the keyboard in the query box (event.key, so it works whatever the
  // keyboard layout: on many, '/' is Shift+7).
  polylens_js_slash_install: function() {
    document.addEventListener('keydown', function(event) {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      var active = document.activeElement;
      if (active && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA' || active.isContentEditable)) return;
      event.preventDefault();
      _polylens_focus_query();
    });
  },
});
