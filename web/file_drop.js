// The DOM half of file_drop.h: drag-and-drop on the whole page, dropped folders listed recursively, and each
// file's bytes read only when C++ asks for them (one file at a time), copied into WebAssembly memory for one
// call and let go. The browser keeps File handles only, which cost no memory for their contents.
//
// FileDrop.collect and FileDrop.walk use nothing but the objects they are given (a DataTransfer, entries of
// the File and Directory Entries API, and a sink of callbacks), so tests/e2e/file_drop_walk.test.mjs can run
// them on stand-in entries: Playwright cannot put a folder into a synthetic drop.
mergeInto(LibraryManager.library, {
  $FileDrop__deps: ['malloc', 'free'],
  $FileDrop: {
    files: [],  // this run's dropped files, by number: {file: File} or {error: 'why it cannot be read'}
    depth: 0,   // dragenter minus dragleave events, to tell when a drag has left the page

    // Inside folders only these are taken (files dropped on their own are all tried: the decoder says why not).
    isImageName: function(name) { return /\.(jpe?g|png|gif|bmp)$/i.test(name); },

    hasFiles: function(event) {
      var types = event.dataTransfer && event.dataTransfer.types;
      return !!types && Array.prototype.indexOf.call(types, 'Files') >= 0;
    },

    describe: function(error) {
      if (!error) return 'unknown error';
      return error.name ? error.name + (error.message ? ': ' + error.message : '') : String(error);
    },

    // Lists one entry depth first, in name order: sink.file(file, path) for each image file,
    // sink.unreadable(path, reason) for what cannot be listed or opened, sink.skipped(path) for the rest
    // (other file types, hidden files and folders). Calls done() once, when everything below is listed.
    walk: function(entry, sink, done) {
      var path = (entry.fullPath || entry.name || '').replace(/^\/+/, '');
      if (entry.name && entry.name.charAt(0) === '.') { sink.skipped(path); done(); return; }
      if (entry.isFile) {
        if (!FileDrop.isImageName(entry.name)) { sink.skipped(path); done(); return; }
        entry.file(function(file) { sink.file(file, path); done(); },
                   function(error) { sink.unreadable(path, FileDrop.describe(error)); done(); });
        return;
      }
      if (!entry.isDirectory) { done(); return; }
      // readEntries answers in pieces (Chromium: 100 at a time) until it answers with none.
      var reader = entry.createReader();
      var children = [];
      var readMore = function() {
        reader.readEntries(function(batch) {
          if (batch.length > 0) {
            for (var i = 0; i < batch.length; i++) children.push(batch[i]);
            readMore();
            return;
          }
          children.sort(function(a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
          var next = 0;
          var walkNext = function() {
            if (next >= children.length) { done(); return; }
            FileDrop.walk(children[next++], sink, walkNext);
          };
          walkNext();
        }, function(error) {
          sink.unreadable(path + '/', FileDrop.describe(error));
          done();
        });
      };
      readMore();
    },

    // Everything a drop holds, in drop order. The items must be looked at during the drop event itself (the
    // browser empties them afterwards), so this takes them synchronously and lists folders afterwards.
    collect: function(dataTransfer, sink, done) {
      var roots = [];
      var items = dataTransfer.items;
      if (items && items.length) {
        for (var i = 0; i < items.length; i++) {
          var item = items[i];
          if (item.kind !== 'file') continue;
          var entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
          if (entry && entry.isDirectory) { roots.push({entry: entry}); continue; }
          var file = item.getAsFile();
          if (file) roots.push({file: file});
          else if (entry) roots.push({entry: entry});
        }
      } else if (dataTransfer.files) {
        for (var j = 0; j < dataTransfer.files.length; j++) roots.push({file: dataTransfer.files[j]});
      }
      var next = 0;
      var takeNext = function() {
        if (next >= roots.length) { done(); return; }
        var root = roots[next++];
        if (root.file) { sink.file(root.file, root.file.name); takeNext(); }
        else FileDrop.walk(root.entry, sink, takeNext);
      };
      takeNext();
    },

    withString: function(text, use) {
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      try { use(ptr); } finally { _free(ptr); }
    },
  },

  polylens_js_file_drop_install__deps: ['$FileDrop', '$QueryImage', 'malloc', 'free'],
  polylens_js_file_drop_install: function() {
    // Always take file drags away from the browser, or a drop anywhere would navigate to the file.
    document.addEventListener('dragenter', function(event) {
      if (!FileDrop.hasFiles(event)) return;
      event.preventDefault();
      if (FileDrop.depth++ === 0) _polylens_drop_hover(1);
    });
    document.addEventListener('dragover', function(event) {
      if (!FileDrop.hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    });
    document.addEventListener('dragleave', function(event) {
      if (!FileDrop.hasFiles(event)) return;
      if (--FileDrop.depth <= 0) { FileDrop.depth = 0; _polylens_drop_hover(0); }
    });
    document.addEventListener('drop', function(event) {
      if (!FileDrop.hasFiles(event)) return;
      event.preventDefault();
      FileDrop.depth = 0;
      _polylens_drop_hover(0);
      // 0: refused (the page says why; nothing is kept), 1: files to add, 2: an image to search with.
      var taken = _polylens_drop_begin();
      if (taken === 2) { QueryImage.fromDrop(event.dataTransfer); return; }
      if (!taken) return;
      var skipped = 0, skippedExample = '';
      var add = function(slot, path, size) {
        var number = FileDrop.files.length;
        FileDrop.files.push(slot);
        FileDrop.withString(path, function(ptr) { _polylens_drop_file(number, ptr, size); });
      };
      FileDrop.collect(event.dataTransfer, {
        file: function(file, path) { add({file: file}, path, file.size); },
        unreadable: function(path, reason) { add({error: reason}, path, 0); },
        skipped: function(path) { if (skipped++ === 0) skippedExample = path; },
      }, function() {
        FileDrop.withString(skippedExample, function(ptr) { _polylens_drop_end(skipped, ptr); });
      });
    });
  },

  polylens_js_file_read__deps: ['$FileDrop', 'malloc', 'free'],
  polylens_js_file_read: function(number) {
    var slot = FileDrop.files[number];
    // Always answer later, never from inside this call: C++ is in the middle of its own bookkeeping.
    var fail = function(reason) {
      FileDrop.withString(reason, function(ptr) { _polylens_file_unreadable(number, ptr); });
    };
    if (!slot || !slot.file) {
      Promise.resolve().then(function() { fail(slot ? slot.error : 'it is no longer there'); });
      return;
    }
    slot.file.arrayBuffer().then(function(buffer) {
      var size = buffer.byteLength;
      var ptr = _malloc(Math.max(1, size));
      if (!ptr) { fail('there is not enough memory to read it'); return; }
      HEAPU8.set(new Uint8Array(buffer), ptr);  // HEAPU8 after _malloc: growing memory replaces the view
      buffer = null;
      try { _polylens_file_bytes(number, ptr, size); } finally { _free(ptr); }
    }, function(error) { fail(FileDrop.describe(error)); });
  },

  polylens_js_files_forget__deps: ['$FileDrop'],
  polylens_js_files_forget: function() { FileDrop.files = []; },
});
