// The DOM half of kiosk.h: the page's parameters, full screen on the first gesture, no context menu, selection or
// zoom gestures, and the input that resets the idle timer or ends the attract loop.
mergeInto(LibraryManager.library, {
  $Kiosk: {
    lastInput: 0,       // performance.now() of the last touch, click, key or wheel
    attracting: false,  // the attract loop runs: the next input only ends it
    exitRequested: false,
  },

  // Writes [kiosk (0/1), idle seconds, attract seconds] to out (3 ints); 0 seconds: not given or invalid.
  polylens_js_kiosk_params: function(out) {
    var params = new URLSearchParams(location.search);
    var seconds = function(name) {
      var value = Number(params.get(name));
      return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), 86400) : 0;
    };
    var kiosk = params.get('kiosk');
    HEAP32[out >> 2] = kiosk === '1' || kiosk === 'true' ? 1 : 0;
    HEAP32[(out >> 2) + 1] = seconds('idle');
    HEAP32[(out >> 2) + 2] = seconds('attract');
  },

  polylens_js_kiosk_install__deps: ['$Kiosk'],
  polylens_js_kiosk_install: function() {
    Kiosk.lastInput = performance.now();
    var root = document.documentElement;
    var style = document.createElement('style');
    style.textContent = 'html, body { touch-action: none; user-select: none; -webkit-user-select: none; ' +
                        '-webkit-touch-callout: none; overscroll-behavior: none; }';
    document.head.appendChild(style);
    var viewport = document.querySelector('meta[name="viewport"]');
    if (viewport) viewport.content = 'width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no';

    var prevent = function(event) { event.preventDefault(); };
    document.addEventListener('contextmenu', prevent, true);
    document.addEventListener('selectstart', prevent, true);
    document.addEventListener('dragstart', prevent, true);
    document.addEventListener('gesturestart', prevent, true);  // Safari's pinch
    window.addEventListener('wheel', function(event) { if (event.ctrlKey) event.preventDefault(); },
                            {capture: true, passive: false});  // pinch on a touchpad, Ctrl+wheel
    window.addEventListener('keydown', function(event) {
      if ((event.ctrlKey || event.metaKey) && ['+', '-', '=', '0'].indexOf(event.key) >= 0) event.preventDefault();
    }, true);

    // Full screen needs a gesture: ask on each one until it is granted (Esc leaves it; the next touch asks again).
    var fullscreen = function() {
      if (document.fullscreenElement || !root.requestFullscreen) return;
      root.requestFullscreen({navigationUI: 'hide'}).catch(function() {});
    };
    ['pointerup', 'touchend', 'keydown'].forEach(function(type) { window.addEventListener(type, fullscreen, true); });

    // Activity. While the attract loop runs, the input that ends it goes no further (a tap on a sample result
    // should not open it).
    var input = function(event) {
      Kiosk.lastInput = performance.now();
      if (!Kiosk.attracting) return;
      Kiosk.exitRequested = true;
      event.stopImmediatePropagation();
      if (event.cancelable) event.preventDefault();
    };
    ['pointerdown', 'mousedown', 'touchstart', 'keydown', 'wheel'].forEach(function(type) {
      window.addEventListener(type, input, {capture: true, passive: false});
    });
  },

  polylens_js_kiosk_idle_ms__deps: ['$Kiosk'],
  polylens_js_kiosk_idle_ms: function() { return performance.now() - Kiosk.lastInput; },

  polylens_js_kiosk_set_attract__deps: ['$Kiosk'],
  polylens_js_kiosk_set_attract: function(on) {
    Kiosk.attracting = !!on;
    Kiosk.exitRequested = false;
  },

  polylens_js_kiosk_take_exit__deps: ['$Kiosk'],
  polylens_js_kiosk_take_exit: function() {
    var requested = Kiosk.exitRequested;
    Kiosk.exitRequested = false;
    return requested ? 1 : 0;
  },
});
