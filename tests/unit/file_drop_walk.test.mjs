// The folder listing of web/file_drop.js (FileDrop.collect and FileDrop.walk), run on stand-in entries of
// the File and Directory Entries API. A real folder drop cannot be synthesised in Playwright (a DataTransfer
// made in the page holds files, never directory entries), so this is where the folder half is tested: the
// same source the bundle is linked from, loaded through a stand-in for Emscripten's mergeInto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const source = readFileSync(fileURLToPath(new URL('../../web/file_drop.js', import.meta.url)), 'utf8');

function loadFileDrop() {
  const library = {};
  const context = vm.createContext({ LibraryManager: { library }, mergeInto: (target, entries) => Object.assign(target, entries) });
  vm.runInContext(source, context, { filename: 'file_drop.js' });
  context.FileDrop = library.$FileDrop; // Emscripten turns $FileDrop into a module-level FileDrop
  return library.$FileDrop;
}
const FileDrop = loadFileDrop();

// ---- stand-ins ---------------------------------------------------------------------------------------

const later = (f) => setTimeout(f, 0); // the real API answers asynchronously too
const base = (path) => path.split('/').pop();

function fileEntry(fullPath, { fail } = {}) {
  return {
    isFile: true, isDirectory: false, name: base(fullPath), fullPath,
    file(ok, error) { later(() => (fail ? error(Object.assign(new Error(fail), { name: 'NotFoundError' })) : ok({ name: base(fullPath), size: 1 }))); },
  };
}

// pageSize: readEntries answers at most this many at a time (Chromium: 100), then an empty array.
function dirEntry(fullPath, children, { pageSize = 100, fail } = {}) {
  return {
    isFile: false, isDirectory: true, name: base(fullPath), fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries(ok, error) {
          later(() => {
            if (fail) return error(Object.assign(new Error(fail), { name: 'NotReadableError' }));
            const page = children.slice(at, at + pageSize);
            at += page.length;
            ok(page);
          });
        },
      };
    },
  };
}

// Runs FileDrop.walk or FileDrop.collect and records what the sink heard, in order.
function run(start) {
  return new Promise((resolve) => {
    const heard = { files: [], unreadable: [], skipped: [], done: 0 };
    const sink = {
      file: (file, path) => heard.files.push(path),
      unreadable: (path, reason) => heard.unreadable.push([path, reason]),
      skipped: (path) => heard.skipped.push(path),
    };
    start(sink, () => {
      heard.done++;
      later(() => resolve(heard)); // a second done() would show up here
    });
  });
}

// ---- tests -------------------------------------------------------------------------------------------

test('a folder is listed depth first, in name order, as paths relative to the drop', async () => {
  const folder = dirEntry('/holiday', [
    fileEntry('/holiday/b.jpg'),
    dirEntry('/holiday/day 2', [fileEntry('/holiday/day 2/z.png'), fileEntry('/holiday/day 2/a.gif')]),
    fileEntry('/holiday/a.JPG'),
  ]);
  const heard = await run((sink, done) => FileDrop.walk(folder, sink, done));
  assert.deepEqual(heard.files, ['holiday/a.JPG', 'holiday/b.jpg', 'holiday/day 2/a.gif', 'holiday/day 2/z.png']);
  assert.equal(heard.done, 1);
});

test('readEntries answering in pieces: every entry of a 250-file folder is listed', async () => {
  const names = Array.from({ length: 250 }, (_, i) => `/big/img-${String(i).padStart(3, '0')}.jpeg`);
  const heard = await run((sink, done) => FileDrop.walk(dirEntry('/big', names.map((n) => fileEntry(n)), { pageSize: 100 }), sink, done));
  assert.equal(heard.files.length, 250);
  assert.deepEqual(heard.files, names.map((n) => n.slice(1)));
});

test('inside folders only JPEG, PNG, GIF and BMP are taken; other files and hidden ones are counted as skipped', async () => {
  const folder = dirEntry('/mixed', [
    fileEntry('/mixed/photo.jpeg'), fileEntry('/mixed/scan.BMP'), fileEntry('/mixed/notes.txt'),
    fileEntry('/mixed/.DS_Store'), fileEntry('/mixed/raw.cr2'), dirEntry('/mixed/.thumbnails', [fileEntry('/mixed/.thumbnails/t.jpg')]),
  ]);
  const heard = await run((sink, done) => FileDrop.walk(folder, sink, done));
  assert.deepEqual(heard.files, ['mixed/photo.jpeg', 'mixed/scan.BMP']);
  assert.deepEqual(heard.skipped.sort(), ['mixed/.DS_Store', 'mixed/.thumbnails', 'mixed/notes.txt', 'mixed/raw.cr2']);
});

test('a folder that cannot be read, or a file that cannot be opened, is reported and the rest still listed', async () => {
  const folder = dirEntry('/top', [
    dirEntry('/top/locked', [fileEntry('/top/locked/x.jpg')], { fail: 'permission denied' }),
    fileEntry('/top/gone.jpg', { fail: 'the file was moved' }),
    fileEntry('/top/ok.png'),
  ]);
  const heard = await run((sink, done) => FileDrop.walk(folder, sink, done));
  assert.deepEqual(heard.files, ['top/ok.png']);
  assert.deepEqual(heard.unreadable, [
    ['top/gone.jpg', 'NotFoundError: the file was moved'],
    ['top/locked/', 'NotReadableError: permission denied'],
  ]);
  assert.equal(heard.done, 1);
});

test('a drop: files dropped on their own are all tried, folders are walked, in drop order; entries are taken during the event', async () => {
  let eventOver = false;
  const item = (kind, entry, file) => ({
    kind,
    webkitGetAsEntry() { assert.ok(!eventOver, 'webkitGetAsEntry after the drop event: the browser has emptied the items by then'); return entry; },
    getAsFile() { assert.ok(!eventOver, 'getAsFile after the drop event'); return file; },
  });
  const dataTransfer = {
    items: [
      item('file', fileEntry('/readme.txt'), { name: 'readme.txt', size: 5 }),  // on its own: tried, the decoder will say
      item('string', null, null),                                              // dragged text: not a file
      item('file', dirEntry('/album', [fileEntry('/album/1.jpg'), fileEntry('/album/2.jpg')]), null),
      item('file', null, { name: 'loose.png', size: 3 }),                       // no entry API: the File itself
    ],
  };
  const heard = await run((sink, done) => {
    FileDrop.collect(dataTransfer, sink, done);
    eventOver = true;
  });
  assert.deepEqual(heard.files, ['readme.txt', 'album/1.jpg', 'album/2.jpg', 'loose.png']);
  assert.equal(heard.done, 1);
});

test('a browser without DataTransfer.items: the plain file list is used', async () => {
  const heard = await run((sink, done) => FileDrop.collect({ files: [{ name: 'a.jpg' }, { name: 'b.gif' }] }, sink, done));
  assert.deepEqual(heard.files, ['a.jpg', 'b.gif']);
});

test('an empty drop is done at once', async () => {
  const heard = await run((sink, done) => FileDrop.collect({ items: [] }, sink, done));
  assert.deepEqual(heard, { files: [], unreadable: [], skipped: [], done: 1 });
});
