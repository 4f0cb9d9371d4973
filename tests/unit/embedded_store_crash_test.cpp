// The storage-level crash test: a real process (embedded_store_crash_writer) writes to a store and
// is killed with SIGKILL at random points, 24 times over the same directory; after each kill the
// store is reopened and must hold every document whose put() had returned, intact (vectors,
// metadata, thumbnail), none whose remove() had returned, and no damaged document at all. The
// random points come from a fixed seed, so a failure can be replayed. No timing is asserted: the
// delays only spread the kills over start-up, writes, removes and compactions.
//
// An operation the kill interrupted was never acknowledged, so it may or may not have happened: its
// record can already be in the file (a kill during the fdatasync keeps what pwrite wrote). For a
// put, `candidates` allows that. For a remove, the writer says "removing <id>" first; an id without
// its "remove <id>" is in doubt, the reopen settles it, and later runs must keep what it showed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "embedded_store.h"
#include "store_test_support.h"

using namespace polylens;
using namespace polylens::testing;

namespace {

struct run_output {
  std::vector<std::string> lines;  // whole lines only: a cut line was never fully acknowledged
  int compactions = 0;
};

// Starts the writer, lets it run for `delay`, kills it with SIGKILL and returns what it printed.
run_output run_and_kill(const std::string& dir, int run, std::chrono::milliseconds delay) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    std::string run_text = std::to_string(run);
    ::execl(POLYLENS_CRASH_WRITER, POLYLENS_CRASH_WRITER, dir.c_str(), run_text.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(out[1]);
  std::string text;
  auto read_some = [&](int timeout_ms) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) return false;
    text.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    read_some(static_cast<int>(std::max<long>(1, left.count())));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  while (read_some(0)) {
  }
  ::close(out[0]);
  run_output r;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!in.eof()) r.lines.push_back(line);  // getline sets eof on a last line without '\n'
  for (const auto& l : r.lines) r.compactions += l == "compacted";
  return r;
}

}  // namespace

TEST(embedded_store_crash, every_acknowledged_write_survives_sigkill) {
  scratch_directory dir("store-crash");
  const std::vector<int> dims = {128, 64};
  std::mt19937 rng(20261129);
  std::set<std::string> acknowledged, removed;
  std::vector<std::string> candidates;  // every id a writer may have tried
  int total_lines = 0, compactions = 0, removes_in_doubt = 0;
  for (int run = 0; run < 24; ++run) {
    // Mostly short runs (start-up, the first writes), some long enough for removes and compactions.
    const int ms = run % 4 == 3 ? 300 + static_cast<int>(rng() % 900) : 5 + static_cast<int>(rng() % 250);
    run_output out = run_and_kill(dir.path(), run, std::chrono::milliseconds(ms));
    // "removing" only announces a remove; every other line is an acknowledgement.
    total_lines += static_cast<int>(std::count_if(out.lines.begin(), out.lines.end(),
                                                  [](const std::string& l) { return l.rfind("removing ", 0) != 0; }));
    compactions += out.compactions;
    int last_batch = -1;
    std::set<std::string> in_doubt;  // removes begun but not acknowledged: either outcome is right
    for (const auto& line : out.lines) {
      if (line.rfind("put ", 0) == 0) {
        acknowledged.insert(line.substr(4));
        removed.erase(line.substr(4));
        last_batch = std::max(last_batch, std::stoi(line.substr(line.find('-') + 1)));
      } else if (line.rfind("removing ", 0) == 0) {
        in_doubt.insert(line.substr(9));
      } else if (line.rfind("remove ", 0) == 0) {
        removed.insert(line.substr(7));
        acknowledged.erase(line.substr(7));
        in_doubt.erase(line.substr(7));
      }
    }
    for (const auto& id : in_doubt) acknowledged.erase(id);
    removes_in_doubt += static_cast<int>(in_doubt.size());
    // Ids the writer may have written without acknowledging them: the next two batches.
    for (int i = 0; i <= last_batch + 2; ++i)
      for (int n = 0; n < 3; ++n) candidates.push_back("r" + std::to_string(run) + "-" + std::to_string(i) + "-" + std::to_string(n));

    embedded_store_options o;
    o.directory = dir.path();
    o.fields = {{128, "hnsw"}, {64, "int8_hnsw"}};
    o.hnsw_threshold = 50;
    auto opened = embedded_store::open(o);
    ASSERT_TRUE(opened.ok()) << "run " << run << " (killed after " << ms << " ms): " << opened.error().message;
    auto& store = *opened;

    auto present = *store->existing_ids(candidates);
    for (const auto& id : acknowledged) EXPECT_TRUE(present.count(id)) << "run " << run << ": acknowledged " << id << " is missing";
    for (const auto& id : removed) EXPECT_FALSE(present.count(id)) << "run " << run << ": removed " << id << " is back";
    // Every visible document, acknowledged or not, is whole.
    for (const auto& id : present) {
      const image_document want = derived_document(id, dims);
      for (int d : dims) {
        auto v = store->vector_of(id, {d, ""});
        ASSERT_TRUE(v.ok()) << id;
        EXPECT_EQ(*v, want.vectors.at(d)) << id;
      }
      auto thumb = store->thumbnail(id);
      ASSERT_TRUE(thumb.ok()) << id << ": " << thumb.error().message;
      EXPECT_EQ(*thumb, want.thumbnail_jpeg) << id;
      knn_query q;
      q.vector = want.vectors.at(128);
      q.k = 1;
      auto hit = store->knn_using({128, "hnsw"}, q, knn_method::exact);
      ASSERT_EQ(hit->size(), 1u);
      EXPECT_EQ((*hit)[0].id, id);
      EXPECT_EQ((*hit)[0].title, want.title);
      EXPECT_EQ((*hit)[0].tags, want.tags);
      EXPECT_EQ((*hit)[0].credit, want.credit);
    }
    EXPECT_EQ(*store->count(), static_cast<long long>(present.size())) << "run " << run << ": documents outside the ids tried";
    // What this reopen shows of an interrupted remove is now on disk, and nothing touches the id again.
    for (const auto& id : in_doubt) (present.count(id) ? acknowledged : removed).insert(id);
  }
  // The kills must have landed while work was going on, or this test proves nothing.
  EXPECT_GT(acknowledged.size(), 50u);
  EXPECT_GT(total_lines, 100);
  std::cout << "[ crash runs ] 24 kills, " << total_lines << " acknowledgements, " << acknowledged.size()
            << " documents kept, " << removed.size() << " removed, " << compactions << " compactions, "
            << removes_in_doubt << " removes interrupted\n";
}
