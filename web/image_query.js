// The DOM half of image_query.h: an image to search with, from a drop (file_drop.js hands the drop over
// while "Add images" is closed) or from a paste anywhere on the page (a clipboard item of type image/*).
// The file's bytes are read once, copied into WebAssembly memory for one call and let go.
mergeInto(LibraryManager.library, {
  $QueryImage__deps: ['malloc', 'free'],
  $QueryImage: {
    withString: function(text, use) {
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      try { return use(ptr); } finally { _free(ptr); }
    },

    describe: function(error) {
      if (!error) return 'unknown error';
      return error.name ? error.name + (error.message ? ': ' + error.message : '') : String(error);
    },

    // Asks C++ whether to read the file, then reads it and hands the bytes over (always later, never
    // from inside this call).
    take: function(file, source, files) {
      var sequence = QueryImage.withString(source, function(sourcePtr) {
        return QueryImage.withString(file.name || '', function(namePtr) {
          return _polylens_query_image_begin(sourcePtr, namePtr, file.size, files);
        });
      });
      if (!sequence) return;  // refused unread: the page says why
      file.arrayBuffer().then(function(buffer) {
        var size = buffer.byteLength;
        var ptr = _malloc(Math.max(1, size));
        if (!ptr) {
          QueryImage.withString('there is not enough memory to read it', function(p) { _polylens_query_image_unreadable(sequence, p); });
          return;
        }
        HEAPU8.set(new Uint8Array(buffer), ptr);  // HEAPU8 after _malloc: growing memory replaces the view
        buffer = null;
        try { _polylens_query_image_bytes(sequence, ptr, size); } finally { _free(ptr); }
      }, function(error) {
        QueryImage.withString(QueryImage.describe(error), function(p) { _polylens_query_image_unreadable(sequence, p); });
      });
    },

    // A drop while "Add images" is closed: the first file it holds (an image by type or name if there is
    // one) is the query. The items must be read during the drop event itself.
    fromDrop: function(dataTransfer) {
      var files = [], folders = 0;
      var items = dataTransfer.items;
      if (items && items.length) {
        for (var i = 0; i < items.length; i++) {
          if (items[i].kind !== 'file') continue;
          var entry = items[i].webkitGetAsEntry ? items[i].webkitGetAsEntry() : null;
          if (entry && entry.isDirectory) { folders++; continue; }
          var file = items[i].getAsFile();
          if (file) files.push(file);
        }
      } else if (dataTransfer.files) {
        for (var j = 0; j < dataTransfer.files.length; j++) files.push(dataTransfer.files[j]);
      }
      if (files.length === 0) {
        var why = folders > 0
          ? 'A folder cannot be searched with: drop one image file. (To add a folder to the index, open \u201cAdd images\u201d first.)'
          : 'Nothing to search with in that drop: drop an image file.';
        QueryImage.withString(why, function(p) { _polylens_query_image_refused(p); });
        return;
      }
      var chosen = files[0];
      for (var k = 0; k < files.length; k++) {
        if (/^image\//.test(files[k].type) || /\.(jpe?g|png|gif|bmp|webp)$/i.test(files[k].name)) { chosen = files[k]; break; }
      }
      QueryImage.take(chosen, 'drop', files.length);
    },
  },

  polylens_js_image_query_install__deps: ['$QueryImage'],
  polylens_js_image_query_install: function() {
    // Paste anywhere: an image on the clipboard is a query. Text pastes are left alone (they go into the
    // query box through text_input_bridge's <input>).
    document.addEventListener('paste', function(event) {
      var items = event.clipboardData && event.clipboardData.items;
      if (!items) return;
      for (var i = 0; i < items.length; i++) {
        if (items[i].kind !== 'file' || !/^image\//.test(items[i].type)) continue;
        var file = items[i].getAsFile();
        if (!file) continue;
        event.preventDefault();
        QueryImage.take(file, 'paste', 1);
        return;
      }
    });
  },
});
