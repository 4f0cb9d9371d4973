// The embedded vector store (proxy/embedded_store): the backend methods round trip, filters applied
// inside the search, int8 and HNSW against the exact float answer, and recovery: reopening, torn
// tails cut at every byte, damage refused with the file and offset, the directory lock, compaction
// (with searches running during it) and an interrupted compaction.
#include "embedded_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>

#include "crc32c.h"
#include "store_records.h"
#include "store_test_support.h"

using namespace polylens;
using namespace polylens::testing;
namespace fs = std::filesystem;

namespace {

const std::vector<int> both_dims = {128, 64};
const vector_field big{128, "hnsw"}, small{64, "int8_hnsw"};

embedded_store_options options_for(const std::string& dir, std::size_t threshold = 20000) {
  embedded_store_options o;
  o.directory = dir;
  o.fields = {big, small};
  o.hnsw_threshold = threshold;
  return o;
}

std::unique_ptr<embedded_store> open_store(const embedded_store_options& o) {
  auto s = embedded_store::open(o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

std::string id_of(int n) { return "doc-" + std::to_string(n); }

std::vector<image_document> documents(int first, int count, std::size_t thumbnail_bytes = 200) {
  std::vector<image_document> docs;
  for (int n = first; n < first + count; ++n) docs.push_back(derived_document(id_of(n), both_dims, thumbnail_bytes));
  return docs;
}

void put_all(embedded_store& s, const std::vector<image_document>& docs) {
  for (std::size_t i = 0; i < docs.size(); i += 100) {
    std::vector<image_document> batch(docs.begin() + static_cast<long>(i),
                                      docs.begin() + static_cast<long>(std::min(docs.size(), i + 100)));
    auto r = s.put(batch);
    ASSERT_TRUE(r.ok()) << r.error().message;
    for (const auto& o : *r) ASSERT_TRUE(o.status == 201 || o.status == 200) << o.id << ": " << o.error;
  }
}

knn_query query_for(const std::vector<float>& v, int k = 10) {
  knn_query q;
  q.vector = v;
  q.k = k;
  return q;
}

std::vector<std::string> ids(const std::vector<search_hit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

long count_of(const std::vector<search_hit>& hits, const std::string& id) {
  return std::count_if(hits.begin(), hits.end(), [&](const search_hit& h) { return h.id == id; });
}

// The byte offsets of the records in a log, from their headers.
std::vector<std::uint64_t> record_offsets(const std::string& bytes) {
  std::vector<std::uint64_t> at;
  for (std::uint64_t pos = 0; pos + 16 <= bytes.size();) {
    at.push_back(pos);
    std::uint32_t len;
    std::memcpy(&len, bytes.data() + pos + 4, 4);
    pos += 16 + len;
  }
  return at;
}

}  // namespace

// ---- the backend methods --------------------------------------------------------------------------

TEST(embedded_store, put_knn_thumbnail_vector_of_and_remove_round_trip) {
  scratch_directory dir("store-round-trip");
  auto s = open_store(options_for(dir.path()));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->open_report().created);
  auto docs = documents(0, 20);
  put_all(*s, docs);
  EXPECT_EQ(*s->count(), 20);
  EXPECT_EQ(*s->existing_ids({id_of(3), "nope", id_of(19)}), (std::set<std::string>{id_of(3), id_of(19)}));

  for (const auto& field : {big, small}) {
    auto hits = s->knn(field, query_for(docs[7].vectors.at(field.dims), 5));
    ASSERT_TRUE(hits.ok()) << hits.error().message;
    ASSERT_EQ(hits->size(), 5u);
    EXPECT_EQ((*hits)[0].id, id_of(7));
    EXPECT_NEAR((*hits)[0].score, 1.0f, field.dims == 64 ? 0.01f : 1e-5f);
    EXPECT_EQ((*hits)[0].title, docs[7].title);
    EXPECT_EQ((*hits)[0].tags, docs[7].tags);
    EXPECT_EQ((*hits)[0].credit, docs[7].credit);
    for (std::size_t i = 1; i < hits->size(); ++i) {
      EXPECT_LE((*hits)[i].score, (*hits)[i - 1].score);
      EXPECT_GE((*hits)[i].score, -1.0f);
    }
    auto v = s->vector_of(id_of(7), field);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, docs[7].vectors.at(field.dims)) << "exactly what put() received, int8 fields included";
  }
  EXPECT_EQ(*s->thumbnail(id_of(4)), docs[4].thumbnail_jpeg);

  EXPECT_TRUE(*s->remove(id_of(4)));
  EXPECT_FALSE(*s->remove(id_of(4)));
  EXPECT_EQ(*s->count(), 19);
  EXPECT_EQ(s->thumbnail(id_of(4)).error().type, error_type::not_found);
  EXPECT_EQ(s->vector_of(id_of(4), big).error().type, error_type::not_found);
  auto hits = s->knn(big, query_for(docs[4].vectors.at(128), 20));
  EXPECT_EQ(count_of(*hits, id_of(4)), 0);
  EXPECT_EQ(hits->size(), 19u);
  auto bytes = *s->vector_field_bytes();
  EXPECT_GT(bytes["vec_128"], 19 * 128 * 4);
  EXPECT_GT(bytes["vec_64"], 19 * 64 * 4);
}

TEST(embedded_store, put_reports_each_item_and_refuses_bad_ones_alone) {
  scratch_directory dir("store-outcomes");
  auto s = open_store(options_for(dir.path()));
  auto docs = documents(0, 2);
  put_all(*s, {docs[0]});
  auto no_vector = derived_document("a", both_dims);
  no_vector.vectors.erase(64);
  auto wrong_size = derived_document("b", both_dims);
  wrong_size.vectors[64].pop_back();
  auto not_finite = derived_document("c", both_dims);
  not_finite.vectors[128][5] = std::nanf("");
  auto zeros = derived_document("d", both_dims);
  std::fill(zeros.vectors[64].begin(), zeros.vectors[64].end(), 0.0f);
  auto unknown_field = derived_document("e", {128, 64, 256});
  auto no_id = derived_document("", both_dims);
  auto r = s->put({docs[0], docs[1], no_vector, wrong_size, not_finite, zeros, unknown_field, no_id});
  ASSERT_TRUE(r.ok());
  std::vector<int> statuses;
  for (const auto& o : *r) statuses.push_back(o.status);
  EXPECT_EQ(statuses, (std::vector<int>{200, 201, 400, 400, 400, 400, 400, 400}));
  EXPECT_NE((*r)[2].error.find("vec_64"), std::string::npos) << (*r)[2].error;
  EXPECT_NE((*r)[6].error.find("vec_256"), std::string::npos) << (*r)[6].error;
  EXPECT_EQ(*s->count(), 2);
}

TEST(embedded_store, knn_refuses_what_it_cannot_answer) {
  scratch_directory dir("store-bad-queries");
  auto s = open_store(options_for(dir.path()));
  put_all(*s, documents(0, 3));
  EXPECT_EQ(s->knn({256, "hnsw"}, query_for(unit_vector(1, 256))).error().type, error_type::invalid_request);
  EXPECT_EQ(s->knn(big, query_for(unit_vector(1, 64))).error().type, error_type::invalid_request);
  EXPECT_EQ(s->knn(big, query_for(std::vector<float>(128, 0.0f))).error().type, error_type::invalid_request);
  EXPECT_EQ(s->knn(big, query_for(unit_vector(1, 128), 0)).error().type, error_type::invalid_request);
  // A query need not be unit length: the score is still the cosine.
  auto v = documents(1, 1)[0].vectors.at(128);
  for (auto& x : v) x *= 3;
  EXPECT_NEAR((*s->knn(big, query_for(v, 1)))[0].score, 1.0f, 1e-5f);
}

TEST(embedded_store, rejects_index_types_it_does_not_keep_and_bad_dims) {
  scratch_directory dir("store-options");
  auto o = options_for(dir.path());
  o.fields = {{256, "int4_hnsw"}};
  auto s = embedded_store::open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("int4_hnsw"), std::string::npos);
  EXPECT_NE(s.error().message.find("int8_hnsw"), std::string::npos) << "names what it does keep";
  o.fields = {{32, "hnsw"}};
  EXPECT_FALSE(embedded_store::open(o).ok());
  o.fields = {{256, "hnsw"}, {256, "flat"}};
  EXPECT_FALSE(embedded_store::open(o).ok());
}

// ---- filters inside the search ----------------------------------------------------------------------

TEST(embedded_store, a_rare_tag_still_finds_its_few_documents_exact_and_in_the_graph) {
  scratch_directory dir("store-filters");
  auto s = open_store(options_for(dir.path(), 100));
  auto docs = documents(0, 1000);
  for (int n : {17, 500, 999}) docs[static_cast<std::size_t>(n)].tags.push_back("rare");
  put_all(*s, docs);
  s->wait_for_graphs();
  auto query = query_for(unit_vector(424242, 128), 10);
  query.tags = {"rare"};
  for (auto method : {knn_method::exact, knn_method::graph, knn_method::automatic}) {
    auto hits = s->knn_using(big, query, method);
    ASSERT_TRUE(hits.ok());
    auto found = ids(*hits);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string>{id_of(17), id_of(500), id_of(999)}));
  }
  // A tag half the documents carry: k of them, all carrying it, from the graph's filtered search.
  auto half = query_for(unit_vector(7, 128), 10);
  half.tags = {"group3", "group4", "group5"};
  knn_method used;
  auto hits = s->knn_using(big, half, knn_method::graph, &used);
  EXPECT_EQ(used, knn_method::graph);
  ASSERT_EQ(hits->size(), 10u);
  auto exact = s->knn_using(big, half, knn_method::exact);
  for (const auto& h : *hits) {
    bool tagged = std::any_of(h.tags.begin(), h.tags.end(), [](const std::string& t) {
      return t == "group3" || t == "group4" || t == "group5";
    });
    EXPECT_TRUE(tagged) << h.id;
  }
  EXPECT_EQ((*hits)[0].id, (*exact)[0].id);

  // exclude_id: "more like this" does not find the image itself.
  for (auto method : {knn_method::exact, knn_method::graph}) {
    auto like = query_for(docs[42].vectors.at(128), 5);
    like.exclude_id = id_of(42);
    auto more = s->knn_using(big, like, method);
    ASSERT_EQ(more->size(), 5u);
    EXPECT_EQ(count_of(*more, id_of(42)), 0);
  }
}

// ---- int8 and HNSW against the exact float answer ------------------------------------------------------

TEST(embedded_store, int8_scores_are_within_a_hundredth_of_the_float_cosine) {
  scratch_directory dir("store-int8");
  auto o = options_for(dir.path());
  o.fields = {{256, "int8_flat"}};
  auto s = open_store(o);
  std::vector<image_document> docs;
  for (int n = 0; n < 500; ++n) docs.push_back(derived_document(id_of(n), {256}));
  put_all(*s, docs);
  for (std::uint64_t q = 0; q < 20; ++q) {
    // Queries near a stored vector, so high scores are covered as well as the unrelated ones.
    auto v = unit_vector(q, 256);
    const auto& near = docs[q * 7].vectors.at(256);
    for (int d = 0; d < 256; ++d) v[d] = 0.3f * v[d] + near[d];
    auto hits = s->knn({256, "int8_flat"}, query_for(v, 50));
    ASSERT_TRUE(hits.ok());
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    for (const auto& h : *hits) {
      const auto& stored = docs[static_cast<std::size_t>(std::stoi(h.id.substr(4)))].vectors.at(256);
      double cosine = 0;
      for (int d = 0; d < 256; ++d) cosine += double(v[d]) * stored[d];
      EXPECT_NEAR(h.score, cosine / std::sqrt(norm), 0.01) << h.id;
    }
  }
}

TEST(embedded_store, above_the_threshold_the_graph_agrees_with_the_exact_scan_on_top_1) {
  scratch_directory dir("store-hnsw");
  auto s = open_store(options_for(dir.path(), 100));
  auto docs = documents(0, 2000, 16);
  put_all(*s, docs);
  s->wait_for_graphs();
  for (const auto& u : s->vector_field_usage()) {
    EXPECT_EQ(u.graph_rows, 2000u) << u.name;
    EXPECT_GT(u.graph_bytes, 0) << u.name;
  }
  for (const auto& field : {big, small}) {
    int agree = 0;
    for (int n = 0; n < 50; ++n) {
      // A stored vector with a little noise: one clear nearest neighbour.
      auto v = docs[static_cast<std::size_t>(n * 37)].vectors.at(field.dims);
      auto noise = unit_vector(static_cast<std::uint64_t>(n) + 777, field.dims);
      for (std::size_t d = 0; d < v.size(); ++d) v[d] += 0.1f * noise[d];
      knn_method used;
      auto graph = s->knn_using(field, query_for(v, 10), knn_method::automatic, &used);
      auto exact = s->knn_using(field, query_for(v, 10), knn_method::exact);
      ASSERT_EQ(used, knn_method::graph);
      EXPECT_EQ((*exact)[0].id, id_of(n * 37));
      agree += (*graph)[0].id == (*exact)[0].id;
    }
    EXPECT_EQ(agree, 50) << field.name();
  }
  // Removing a document takes it out of the graph's answers too.
  ASSERT_TRUE(*s->remove(id_of(0)));
  auto after = s->knn_using(big, query_for(docs[0].vectors.at(128), 5), knn_method::graph);
  EXPECT_EQ(count_of(*after, id_of(0)), 0);
}

// ---- recovery ----------------------------------------------------------------------------------------

TEST(embedded_store, a_reopened_store_has_everything_put_and_nothing_removed) {
  scratch_directory dir("store-reopen");
  auto docs = documents(0, 50);
  {
    auto s = open_store(options_for(dir.path()));
    put_all(*s, docs);
    ASSERT_TRUE(*s->remove(id_of(10)));
    auto changed = docs[11];
    changed.title = "A new title";
    changed.vectors = docs[12].vectors;
    put_all(*s, {changed});
  }
  auto s = open_store(options_for(dir.path()));
  EXPECT_FALSE(s->open_report().created);
  EXPECT_EQ(*s->count(), 49);
  EXPECT_TRUE(s->existing_ids({id_of(10)})->empty());
  EXPECT_EQ(*s->thumbnail(id_of(33)), docs[33].thumbnail_jpeg);
  EXPECT_EQ(*s->vector_of(id_of(11), small), docs[12].vectors.at(64));
  auto hits = s->knn(big, query_for(docs[12].vectors.at(128), 2));
  std::vector<std::string> top = ids(*hits);
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{id_of(11), id_of(12)}));
  for (const auto& h : *hits) {
    if (h.id == id_of(11)) {
      EXPECT_EQ(h.title, "A new title");
    }
  }
}

TEST(embedded_store, a_log_cut_anywhere_in_its_last_record_opens_with_the_records_before) {
  scratch_directory dir("store-torn");
  const std::string store = dir.sub("store"), copy = dir.sub("copy");
  // One small field and a small thumbnail keep the last record short: every byte is one open.
  auto o = options_for(store);
  o.fields = {{64, "flat"}};
  std::vector<image_document> first, last;
  for (int n = 0; n < 4; ++n) (n < 3 ? first : last).push_back(derived_document(id_of(n), {64}, n < 3 ? 200 : 16));
  {
    auto s = open_store(o);
    put_all(*s, first);
    put_all(*s, last);
  }
  const std::string log = read_file(store + "/documents.log");
  const auto at = record_offsets(log);
  ASSERT_EQ(at.size(), 3u);  // schema, the first put, the last put
  o.directory = copy;
  o.fsync = false;
  for (std::uint64_t cut = at[2]; cut < log.size(); ++cut) {
    fs::remove_all(copy);
    fs::create_directories(copy);
    write_file(copy + "/documents.log", log.substr(0, cut));
    auto s = embedded_store::open(o);
    ASSERT_TRUE(s.ok()) << "cut at " << cut << ": " << s.error().message;
    EXPECT_EQ(*(*s)->count(), 3) << cut;
    EXPECT_TRUE((*s)->existing_ids({id_of(3)})->empty()) << cut;
    EXPECT_EQ((*s)->open_report().log.truncated_bytes, cut - at[2]) << cut;
    EXPECT_EQ(fs::file_size(copy + "/documents.log"), at[2]) << cut;
    EXPECT_EQ(*(*s)->thumbnail(id_of(2)), first[2].thumbnail_jpeg);
  }
}

// The interleaving behind the crash test's failures on a loaded machine: remove() has written its
// record and the process is killed in the fdatasync, before the call returns. The caller never saw an
// acknowledgement, yet the record is in the file (the page cache keeps it), so the reopen applies
// it. A torn record, on the other hand, is cut and the document stays. Either way the outcome is
// whole, and the crash test has to accept both for a remove it saw begin but not return.
TEST(embedded_store, a_remove_killed_before_it_returned_is_replayed_whole_or_not_at_all) {
  scratch_directory dir("store-unacknowledged-remove");
  const std::string store = dir.sub("store"), copy = dir.sub("copy");
  auto docs = documents(0, 3);
  {
    auto s = open_store(options_for(store));
    put_all(*s, docs);
  }
  // Appended as remove() does, but never synced and never returned to a caller.
  const std::string log_path = store + "/documents.log";
  const std::string acknowledged = read_file(log_path);
  {
    auto log = record_log::open(log_path, [](std::uint64_t, std::string_view) { return std::optional<std::string>(); });
    ASSERT_TRUE(log.ok()) << log.error().message;
    ASSERT_TRUE((*log)->append(store_record_remove({id_of(1)})).ok());
  }
  const std::string written = read_file(log_path);
  ASSERT_GT(written.size(), acknowledged.size());

  for (std::size_t end : {written.size(), written.size() - 1, acknowledged.size() + 10}) {
    fs::remove_all(copy);
    fs::create_directories(copy);
    write_file(copy + "/documents.log", written.substr(0, end));
    auto s = open_store(options_for(copy));
    ASSERT_TRUE(s);
    const bool whole = end == written.size();
    EXPECT_EQ(*s->count(), whole ? 2 : 3) << end;
    EXPECT_EQ(s->existing_ids({id_of(1)})->empty(), whole) << end;
    EXPECT_EQ(*s->thumbnail(id_of(2)), docs[2].thumbnail_jpeg) << end;
  }
}

TEST(embedded_store, a_damaged_record_before_valid_ones_fails_the_open_with_file_and_offset) {
  scratch_directory dir("store-damage");
  {
    auto s = open_store(options_for(dir.path()));
    put_all(*s, documents(0, 3));
    put_all(*s, documents(3, 3));
  }
  const std::string path = dir.path() + "/documents.log";
  const std::string log = read_file(path);
  const auto at = record_offsets(log);
  ASSERT_EQ(at.size(), 3u);
  // A flipped byte in the header, in a string, in a vector, in the thumbnail of the middle record.
  for (std::uint64_t i : {at[1] + 6, at[1] + 40, at[1] + 300, at[2] - 10}) {
    std::string damaged = log;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    write_file(path, damaged);
    auto s = embedded_store::open(options_for(dir.path()));
    ASSERT_FALSE(s.ok()) << "flipped byte " << i;
    EXPECT_EQ(s.error().type, error_type::backend_error);
    EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("byte " + std::to_string(at[1])), std::string::npos) << s.error().message;
  }
  // An absurd length in the middle record's header.
  std::string absurd = log;
  std::uint32_t huge = 0xFFFFFFF0u;
  std::memcpy(absurd.data() + at[1] + 4, &huge, 4);
  write_file(path, absurd);
  auto s = embedded_store::open(options_for(dir.path()));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(path), std::string::npos);
  EXPECT_NE(s.error().message.find("byte " + std::to_string(at[1])), std::string::npos) << s.error().message;
  // The same length on the last record, with a header checksum that matches it.
  absurd = log;
  std::memcpy(absurd.data() + at[2] + 4, &huge, 4);
  std::uint32_t check = crc32c(absurd.data() + at[2], 12);
  std::memcpy(absurd.data() + at[2] + 12, &check, 4);
  write_file(path, absurd);
  s = embedded_store::open(options_for(dir.path()));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("byte " + std::to_string(at[2])), std::string::npos) << s.error().message;
}

TEST(embedded_store, a_second_open_of_the_same_directory_is_refused) {
  scratch_directory dir("store-lock");
  auto s = open_store(options_for(dir.path()));
  auto again = embedded_store::open(options_for(dir.path()));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().type, error_type::backend_unavailable);
  EXPECT_NE(again.error().message.find("already open"), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find(std::to_string(::getpid())), std::string::npos) << again.error().message;
  s.reset();
  EXPECT_TRUE(embedded_store::open(options_for(dir.path())).ok()) << "the lock goes with the store";
}

TEST(embedded_store, reopening_with_other_fields_says_which_fields_it_holds) {
  scratch_directory dir("store-schema");
  open_store(options_for(dir.path())).reset();
  auto o = options_for(dir.path());
  o.fields = {{256, "hnsw"}};
  auto s = embedded_store::open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("vec_128, vec_64"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("vec_256"), std::string::npos) << s.error().message;
  // The storage type may change between opens: the log keeps float32 either way.
  o.fields = {{64, "flat"}, {128, "int8_flat"}};
  EXPECT_TRUE(embedded_store::open(o).ok());
}

// ---- compaction -----------------------------------------------------------------------------------------

TEST(embedded_store, compaction_keeps_live_documents_and_shrinks_the_log) {
  scratch_directory dir("store-compact");
  auto docs = documents(0, 60, 2000);
  auto o = options_for(dir.path(), 10);
  {
    auto s = open_store(o);
    put_all(*s, docs);
    for (int n = 0; n < 30; ++n) ASSERT_TRUE(*s->remove(id_of(n)));
    put_all(*s, {docs[40], docs[41]});  // replaced: the old copies are garbage too
    s->wait_for_graphs();
    const auto before = s->log_bytes();
    ASSERT_TRUE(s->compact().ok());
    EXPECT_LT(s->log_bytes(), before * 6 / 10);
    EXPECT_EQ(*s->count(), 30);
    for (const auto& u : s->vector_field_usage()) EXPECT_EQ(u.rows, 30u) << "removed rows leave memory too";
    for (int n = 30; n < 60; ++n) {
      EXPECT_EQ(*s->thumbnail(id_of(n)), docs[static_cast<std::size_t>(n)].thumbnail_jpeg);
      EXPECT_EQ(*s->vector_of(id_of(n), big), docs[static_cast<std::size_t>(n)].vectors.at(128));
    }
    s->wait_for_graphs();
    auto hits = s->knn_using(big, query_for(docs[45].vectors.at(128), 3), knn_method::graph);
    EXPECT_EQ((*hits)[0].id, id_of(45));
    put_all(*s, documents(100, 1));  // appends after a compaction land in the new log
  }
  auto s = open_store(o);
  EXPECT_EQ(*s->count(), 31);
  EXPECT_EQ(*s->thumbnail(id_of(59)), docs[59].thumbnail_jpeg);
  EXPECT_FALSE(fs::exists(dir.path() + "/documents.log.tmp"));
}

// While compact() copies, a search and a thumbnail read from another thread finish, and a put waits
// for the compaction, then lands in the new log. Not a timing check: were the exclusive lock held
// through the copy, the search started from the hook could not finish until the hook returned, and
// the minute's wait would run out (the futures live outside the hook, so a failure cannot hang).
TEST(embedded_store, searches_run_while_compaction_copies_and_a_put_waits_for_it) {
  scratch_directory dir("store-compact-concurrent");
  auto docs = documents(0, 40, 2000);
  const auto extra = documents(100, 1);
  auto o = options_for(dir.path(), 10);
  embedded_store* store = nullptr;
  std::future<bool> search;
  std::future<result<std::vector<bulk_item_outcome>>> put;
  bool search_finished_during_the_copy = false;
  o.while_compacting = [&] {
    search = std::async(std::launch::async, [&] {
      auto hits = store->knn_using(big, query_for(docs[25].vectors.at(128), 1), knn_method::exact);
      auto thumbnail = store->thumbnail(id_of(25));
      return hits.ok() && hits->size() == 1 && (*hits)[0].id == id_of(25) && thumbnail.ok() &&
             *thumbnail == docs[25].thumbnail_jpeg;
    });
    search_finished_during_the_copy = search.wait_for(std::chrono::minutes(1)) == std::future_status::ready;
    put = std::async(std::launch::async, [&] { return store->put(extra); });
  };
  {
    auto s = open_store(o);
    store = s.get();
    put_all(*s, docs);
    for (int n = 0; n < 20; ++n) ASSERT_TRUE(*s->remove(id_of(n)));
    ASSERT_TRUE(s->compact().ok());
    EXPECT_TRUE(search_finished_during_the_copy);
    EXPECT_TRUE(search.get());
    auto stored = put.get();
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ((*stored)[0].status, 201);
    EXPECT_EQ(*s->count(), 21);
    EXPECT_EQ(*s->thumbnail(id_of(100)), extra[0].thumbnail_jpeg);
    EXPECT_EQ(*s->thumbnail(id_of(39)), docs[39].thumbnail_jpeg);
  }
  o.while_compacting = nullptr;
  auto s = open_store(o);
  EXPECT_EQ(*s->count(), 21);
  EXPECT_EQ(*s->thumbnail(id_of(100)), extra[0].thumbnail_jpeg);
  EXPECT_EQ(*s->vector_of(id_of(100), big), extra[0].vectors.at(128));
  EXPECT_EQ(*s->thumbnail(id_of(20)), docs[20].thumbnail_jpeg);
}

TEST(embedded_store, an_interrupted_compaction_leaves_the_old_log_in_charge) {
  scratch_directory dir("store-compact-crash");
  auto docs = documents(0, 20, 3000);
  std::string compacted;
  {
    auto s = open_store(options_for(dir.path()));
    put_all(*s, docs);
    for (int n = 0; n < 5; ++n) ASSERT_TRUE(*s->remove(id_of(n)));
  }
  const std::string old_log = read_file(dir.path() + "/documents.log");
  {
    // A whole compacted log, to cut into the half-written one a crash would leave.
    scratch_directory other("store-compact-crash-other");
    fs::copy_file(dir.path() + "/documents.log", other.path() + "/documents.log");
    auto s = open_store(options_for(other.path()));
    ASSERT_TRUE(s->compact().ok());
    compacted = read_file(other.path() + "/documents.log");
  }
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, compacted.size() / 2, compacted.size() - 1, compacted.size()}) {
    // The crash came before the rename: the new log is still under its temporary name.
    write_file(dir.path() + "/documents.log.tmp", compacted.substr(0, cut));
    auto s = open_store(options_for(dir.path()));
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->open_report().removed_unfinished_log);
    EXPECT_FALSE(fs::exists(dir.path() + "/documents.log.tmp"));
    EXPECT_EQ(*s->count(), 15) << cut;
    EXPECT_EQ(*s->thumbnail(id_of(7)), docs[7].thumbnail_jpeg);
    EXPECT_EQ(read_file(dir.path() + "/documents.log"), old_log);
  }
}
