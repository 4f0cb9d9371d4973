// The process the storage-level crash test kills: it opens the store in DIRECTORY and writes in a
// loop until it is killed, printing one line per acknowledged operation, after the call returned,
// and one before each remove:
//   put <id>       put() returned with the document stored
//   removing <id>  remove() is about to be called; until "remove <id>" follows, it may or may not happen
//   remove <id>    remove() returned true
//   compacted      compact() returned
// Usage: embedded_store_crash_writer DIRECTORY RUN   (RUN makes this run's ids unique)
#include <unistd.h>

#include <cstdio>
#include <string>

#include "embedded_store.h"
#include "store_test_support.h"

using namespace polylens;

namespace {

void say(const std::string& line) {
  std::string out = line + "\n";
  // One write per line, unbuffered: a line on the pipe is an acknowledgement already made.
  if (::write(STDOUT_FILENO, out.data(), out.size()) != static_cast<ssize_t>(out.size())) std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIRECTORY RUN\n", argv[0]);
    return 2;
  }
  embedded_store_options o;
  o.directory = argv[1];
  o.fields = {{128, "hnsw"}, {64, "int8_hnsw"}};
  o.hnsw_threshold = 50;  // the background graph builder runs too
  auto store = embedded_store::open(o);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  const std::string run = argv[2];
  for (int i = 0;; ++i) {
    std::vector<image_document> docs;
    for (int n = 0; n < 1 + i % 3; ++n)
      docs.push_back(testing::derived_document("r" + run + "-" + std::to_string(i) + "-" + std::to_string(n), {128, 64}));
    auto r = (*store)->put(docs);
    if (!r) {
      std::fprintf(stderr, "put: %s\n", r.error().message.c_str());
      return 1;
    }
    for (const auto& item : *r) say("put " + item.id);
    if (i % 7 == 6) {
      std::string id = "r" + run + "-" + std::to_string(i - 5) + "-0";
      // A kill inside remove(), after its record reached the file, leaves the document removed with
      // no "remove" line: the test needs to know that this id was in doubt.
      say("removing " + id);
      auto removed = (*store)->remove(id);
      if (!removed) return 1;
      if (*removed) say("remove " + id);
    }
    if (i % 25 == 24) {
      if (!(*store)->compact()) return 1;
      say("compacted");
    }
  }
}
