// The DOM half of proxy_endpoint.h: the page's query string, config.json, and the no-cors reachability probe.
mergeInto(LibraryManager.library, {
  // Calls back polylens_proxy_resolved(source, base, origin): source 0 same origin, 1 query, 2 config.json.
  polylens_js_proxy_resolve__deps: ['$stringToNewUTF8'],
  polylens_js_proxy_resolve: function() {
    function done(source, base) {
      var b = stringToNewUTF8(base), o = stringToNewUTF8(location.origin);
      _polylens_proxy_resolved(source, b, o);
      _free(b);
      _free(o);
    }
    // An absolute http(s) URL without a trailing slash; relative values are taken relative to the page.
    function normalise(value) {
      var url = new URL(value, location.href);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not an http(s) URL: ' + value);
      return (url.origin + url.pathname).replace(/\/+$/, '');
    }
    var fromQuery = new URLSearchParams(location.search).get('proxy');
    if (fromQuery) {
      try { done(1, normalise(fromQuery)); return; } catch (error) {
        console.warn('Polylens: ignoring ?proxy=' + fromQuery + ': ' + error.message);
      }
    }
    // The bundle ships a config.json naming no proxy (same origin); a static host replaces it.
    fetch('config.json', {cache: 'no-cache'}).then(function(response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    }).then(function(config) {
      if (config && typeof config.proxy === 'string' && config.proxy !== '') done(2, normalise(config.proxy));
      else done(0, '');
    }).catch(function(error) {
      console.warn('Polylens: config.json unusable (' + error.message + '); using this page\'s origin');
      done(0, '');
    });
  },
  // Calls back polylens_proxy_probed(token, reachable).
  polylens_js_proxy_probe: function(urlPtr, token) {
    fetch(UTF8ToString(urlPtr), {mode: 'no-cors', cache: 'no-store'}).then(
        function() { _polylens_proxy_probed(token, 1); },
        function() { _polylens_proxy_probed(token, 0); });
  },
});
