// The embedding cache (proxy/embedding_cache): LRU order, the byte budget, key normalisation, the
// cache file's round trip and its corruption checks; and the Jina call slots (proxy/jina_client).
#include "embedding_cache.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "jina_client.h"

using namespace polylens;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t dims = 1024;
const std::string embedder = "https://api.jina.ai/v1/embeddings";

embedding_cache_key text_key(std::string_view text, embed_task task = embed_task::query) {
  return embedding_cache_key_make(embedder, "jina-clip-v2", task, embed_kind::text, text);
}

// A unit vector that differs for every seed.
std::vector<float> vector_for(int seed) {
  std::vector<float> v(dims);
  double norm = 0;
  for (std::size_t i = 0; i < dims; ++i) {
    v[i] = static_cast<float>(std::sin(seed * 7.13 + static_cast<double>(i) * 0.37));
    norm += double(v[i]) * v[i];
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

// "q" + std::to_string(i), written so that GCC 12 does not warn (a -Wrestrict false positive).
std::string numbered(const char* prefix, int i) {
  std::string out = prefix;
  out += std::to_string(i);
  return out;
}

std::size_t budget_for(std::size_t entries) { return entries * embedding_cache::entry_bytes(dims); }

// A fresh folder per test, removed afterwards.
class cache_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("polylens-cache-test-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string file(const std::string& name = "cache.bin") const { return (folder_ / name).string(); }

  // A cache of `n` entries saved to file(); returns the file's bytes.
  std::string saved(int n) {
    embedding_cache cache(budget_for(100));
    for (int i = 0; i < n; ++i) cache.put(text_key(numbered("query ", i)), vector_for(i));
    EXPECT_EQ(cache.save(file()), "");
    std::ifstream in(file(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void overwrite(const std::string& bytes) {
    std::ofstream out(file(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  fs::path folder_;
};

constexpr std::size_t header_bytes = 32;
constexpr std::size_t record_bytes = 32 + dims * 4 + 8;

}  // namespace

// ---- LRU and budget ------------------------------------------------------------------------------

TEST(embedding_cache, evicts_the_least_recently_used_entry) {
  embedding_cache cache(budget_for(3));
  cache.put(text_key("a"), vector_for(1));
  cache.put(text_key("b"), vector_for(2));
  cache.put(text_key("c"), vector_for(3));
  ASSERT_TRUE(cache.get(text_key("a")));  // a is now the most recent; b the least
  cache.put(text_key("d"), vector_for(4));
  EXPECT_FALSE(cache.get(text_key("b")));
  EXPECT_EQ(*cache.get(text_key("a")), vector_for(1));
  EXPECT_EQ(*cache.get(text_key("c")), vector_for(3));
  EXPECT_EQ(*cache.get(text_key("d")), vector_for(4));
  EXPECT_EQ(cache.stats().entries, 3u);
}

TEST(embedding_cache, putting_a_key_again_refreshes_it_instead_of_adding_one) {
  embedding_cache cache(budget_for(2));
  cache.put(text_key("a"), vector_for(1));
  cache.put(text_key("b"), vector_for(2));
  cache.put(text_key("a"), vector_for(5));  // a: new vector, most recent
  cache.put(text_key("c"), vector_for(3));  // evicts b
  EXPECT_EQ(cache.stats().entries, 2u);
  EXPECT_EQ(*cache.get(text_key("a")), vector_for(5));
  EXPECT_FALSE(cache.get(text_key("b")));
}

TEST(embedding_cache, keeps_its_bytes_within_the_budget) {
  const std::size_t budget = budget_for(5) + embedding_cache::entry_bytes(dims) / 2;  // room for 5.5
  embedding_cache cache(budget);
  for (int i = 0; i < 50; ++i) {
    cache.put(text_key(numbered("q", i)), vector_for(i));
    EXPECT_LE(cache.stats().bytes, budget);
  }
  auto stats = cache.stats();
  EXPECT_EQ(stats.entries, 5u);
  EXPECT_EQ(stats.bytes, budget_for(5));
  EXPECT_EQ(stats.budget, budget);
  for (int i = 45; i < 50; ++i) EXPECT_TRUE(cache.get(text_key(numbered("q", i)))) << i;
}

TEST(embedding_cache, counts_more_than_the_vector_and_the_key) {
  // 4096 bytes of floats and a 32-byte key, plus the list node, the hash node, the bucket slot and
  // malloc's headers: a cache that counted only the floats would overrun its budget by ~4%.
  EXPECT_GT(embedding_cache::entry_bytes(dims), dims * sizeof(float) + 32 + 100);
  EXPECT_LT(embedding_cache::entry_bytes(dims), dims * sizeof(float) + 400);
}

TEST(embedding_cache, entry_bytes_matches_what_the_heap_really_grows_by) {
  const int n = 2000;
  embedding_cache cache(budget_for(n));
  std::size_t before = mallinfo2().uordblks;
  for (int i = 0; i < n; ++i) cache.put(text_key(numbered("k", i)), vector_for(i));
  double grown = double(mallinfo2().uordblks - before);
  double counted = double(cache.stats().bytes);
  ASSERT_EQ(cache.stats().entries, std::size_t(n));
  EXPECT_NEAR(grown / counted, 1.0, 0.02) << "the heap grew by " << grown << " bytes, the cache counted " << counted;
}

TEST(embedding_cache, budget_zero_is_off) {
  embedding_cache cache(0);
  EXPECT_FALSE(cache.enabled());
  cache.put(text_key("a"), vector_for(1));
  EXPECT_FALSE(cache.get(text_key("a")));
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(embedding_cache, keeps_nothing_larger_than_its_budget_or_of_the_wrong_size) {
  embedding_cache small(embedding_cache::entry_bytes(dims) - 1);
  small.put(text_key("a"), vector_for(1));
  EXPECT_EQ(small.stats().entries, 0u);
  embedding_cache cache(budget_for(4));
  cache.put(text_key("short"), std::vector<float>(256, 0.0625f));
  EXPECT_FALSE(cache.get(text_key("short")));
}

TEST(embedding_cache, survives_many_threads_at_once) {
  embedding_cache cache(budget_for(20));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 300; ++i) {
        auto key = text_key(numbered("q", (i * 7 + t) % 40));
        if (auto hit = cache.get(key)) ASSERT_EQ(hit->size(), dims);
        else cache.put(key, vector_for(i));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.stats().bytes, budget_for(20));
  EXPECT_EQ(cache.stats().entries, 20u);
}

// ---- keys ----------------------------------------------------------------------------------------

TEST(embedding_cache_key, text_is_trimmed_and_whitespace_runs_collapse) {
  EXPECT_EQ(embedding_text_normalise("  torre \t\n Eiffel \r\n"), "torre Eiffel");
  EXPECT_EQ(embedding_text_normalise("\f\v"), "");
  EXPECT_EQ(text_key("  torre   Eiffel\n"), text_key("torre Eiffel"));
}

TEST(embedding_cache_key, case_and_other_characters_are_kept) {
  EXPECT_NE(text_key("Torre Eiffel"), text_key("torre eiffel"));
  EXPECT_NE(text_key("torre-Eiffel"), text_key("torre Eiffel"));
  // Only ASCII whitespace is folded: U+3000 (ideographic space) and U+00A0 stay as they are.
  EXPECT_EQ(embedding_text_normalise("東京\xE3\x80\x80タワー"), "東京\xE3\x80\x80タワー");
  EXPECT_NE(text_key("a\xC2\xA0" "b"), text_key("a b"));
}

TEST(embedding_cache_key, task_kind_model_and_embedder_all_matter) {
  auto base = text_key("cat");
  EXPECT_NE(base, text_key("cat", embed_task::document));
  EXPECT_NE(base, embedding_cache_key_make(embedder, "jina-clip-v2", embed_task::query, embed_kind::image, "cat"));
  EXPECT_NE(base, embedding_cache_key_make(embedder, "jina-clip-v1", embed_task::query, embed_kind::text, "cat"));
  EXPECT_NE(base, embedding_cache_key_make("http://127.0.0.1:9999/v1/embeddings", "jina-clip-v2", embed_task::query,
                                           embed_kind::text, "cat"));
}

TEST(embedding_cache_key, images_are_hashed_byte_for_byte) {
  std::string jpeg = "\xFF\xD8\xFF\xE0 some bytes  with  spaces \xFF\xD9";
  auto key = embedding_cache_key_make(embedder, "jina-clip-v2", embed_task::query, embed_kind::image, jpeg);
  std::string changed = jpeg;
  changed[12] = ' ';  // one space more in a run: a text would fold it, an image must not
  EXPECT_NE(key, embedding_cache_key_make(embedder, "jina-clip-v2", embed_task::query, embed_kind::image, changed));
  EXPECT_EQ(key, embedding_cache_key_make(embedder, "jina-clip-v2", embed_task::query, embed_kind::image, jpeg));
}

// ---- the file ------------------------------------------------------------------------------------

TEST_F(cache_file_test, round_trip_keeps_every_vector_bit_for_bit_and_the_lru_order) {
  embedding_cache cache(budget_for(10));
  for (int i = 0; i < 6; ++i) cache.put(text_key(numbered("q", i)), vector_for(i));
  cache.get(text_key("q0"));  // order, most recent first: q0 q5 q4 q3 q2 q1
  ASSERT_EQ(cache.save(file()), "");
  EXPECT_EQ(fs::file_size(file()), header_bytes + 6 * record_bytes);
  for (const auto& e : fs::directory_iterator(folder_)) EXPECT_EQ(e.path().filename(), "cache.bin");  // no temp file

  embedding_cache loaded(budget_for(10));
  auto report = loaded.load(file());
  ASSERT_EQ(report.status, embedding_cache_load_report::outcome::loaded) << report.problem;
  EXPECT_EQ(report.entries, 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(*loaded.get(text_key(numbered("q", i))), vector_for(i));

  // A smaller budget keeps the most recently used: q0, q5, q4.
  embedding_cache small(budget_for(3));
  ASSERT_EQ(small.load(file()).entries, 3u);
  EXPECT_TRUE(small.get(text_key("q0")));
  EXPECT_TRUE(small.get(text_key("q5")));
  EXPECT_TRUE(small.get(text_key("q4")));
  EXPECT_FALSE(small.get(text_key("q3")));
}

TEST_F(cache_file_test, saving_again_replaces_the_file) {
  saved(4);
  embedding_cache cache(budget_for(10));
  cache.put(text_key("only"), vector_for(9));
  ASSERT_EQ(cache.save(file()), "");
  embedding_cache loaded(budget_for(10));
  EXPECT_EQ(loaded.load(file()).entries, 1u);
}

TEST_F(cache_file_test, an_absent_file_is_no_problem) {
  embedding_cache cache(budget_for(10));
  auto report = cache.load(file("nothing-here.bin"));
  EXPECT_EQ(report.status, embedding_cache_load_report::outcome::absent);
  EXPECT_TRUE(report.problem.empty());
}

TEST_F(cache_file_test, an_unwritable_folder_is_reported_not_thrown) {
  embedding_cache cache(budget_for(10));
  cache.put(text_key("a"), vector_for(1));
  std::string problem = cache.save((folder_ / "missing-folder" / "cache.bin").string());
  EXPECT_NE(problem.find("missing-folder"), std::string::npos) << problem;
}

struct corruption {
  const char* name;
  std::function<void(std::string&)> damage;
  std::uint64_t offset;  // where the loader must say the problem is
  const char* says;
};

TEST_F(cache_file_test, damage_anywhere_is_found_with_its_offset_and_nothing_is_loaded) {
  const std::vector<corruption> cases = {
      {"a flipped bit in entry 2's vector", [](std::string& b) { b[header_bytes + 2 * record_bytes + 100] ^= 0x10; },
       header_bytes + 2 * record_bytes, "entry 2 fails its check"},
      {"a flipped bit in entry 0's key", [](std::string& b) { b[header_bytes + 3] ^= 0x01; }, header_bytes,
       "entry 0 fails its check"},
      {"a flipped bit in entry 3's check", [](std::string& b) { b[header_bytes + 4 * record_bytes - 1] ^= 0x80; },
       header_bytes + 3 * record_bytes, "entry 3 fails its check"},
      {"cut inside entry 3", [](std::string& b) { b.resize(header_bytes + 3 * record_bytes + 500); },
       header_bytes + 3 * record_bytes, "truncated"},
      {"cut inside the header", [](std::string& b) { b.resize(20); }, 20, "truncated"},
      {"an empty file", [](std::string& b) { b.clear(); }, 0, "truncated"},
      {"a different magic", [](std::string& b) { b[0] = 'X'; }, 0, "magic"},
      {"a changed entry count", [](std::string& b) { b[16] = 9; }, 24, "header fails its check"},
      {"bytes after the last entry", [](std::string& b) { b += "extra"; }, header_bytes + 4 * record_bytes,
       "unexpected bytes"},
  };
  const std::string good = saved(4);
  for (const auto& c : cases) {
    std::string bytes = good;
    c.damage(bytes);
    overwrite(bytes);
    embedding_cache cache(budget_for(10));
    auto report = cache.load(file());
    EXPECT_EQ(report.status, embedding_cache_load_report::outcome::rejected) << c.name;
    EXPECT_EQ(report.offset, c.offset) << c.name << ": " << report.problem;
    EXPECT_NE(report.problem.find(c.says), std::string::npos) << c.name << ": " << report.problem;
    EXPECT_EQ(report.entries, 0u) << c.name;
    EXPECT_EQ(cache.stats().entries, 0u) << c.name;  // not even the entries before the damage
    EXPECT_FALSE(cache.get(text_key("query 0"))) << c.name;
  }
}

TEST_F(cache_file_test, a_rejected_file_leaves_the_cache_as_it_was) {
  std::string bytes = saved(2);
  bytes[header_bytes + 40] ^= 0x01;
  overwrite(bytes);
  embedding_cache cache(budget_for(10));
  cache.put(text_key("kept"), vector_for(7));
  EXPECT_EQ(cache.load(file()).status, embedding_cache_load_report::outcome::rejected);
  EXPECT_EQ(*cache.get(text_key("kept")), vector_for(7));
}

TEST_F(cache_file_test, another_format_version_or_vector_size_is_refused) {
  // A file from a build with another format version: only the version differs, the header's check
  // is made again so that it holds.
  std::string bytes = saved(1);
  bytes[8] = 2;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), 24, digest, &length, EVP_sha256(), nullptr);
  std::copy(digest, digest + 8, bytes.begin() + 24);
  overwrite(bytes);
  embedding_cache cache(budget_for(10));
  auto report = cache.load(file());
  EXPECT_EQ(report.status, embedding_cache_load_report::outcome::rejected);
  EXPECT_EQ(report.offset, 8u);
  EXPECT_NE(report.problem.find("format version 2"), std::string::npos) << report.problem;

  saved(1);
  embedding_cache other_dims(budget_for(10), 512);
  report = other_dims.load(file());
  EXPECT_EQ(report.status, embedding_cache_load_report::outcome::rejected);
  EXPECT_EQ(report.offset, 12u);
  EXPECT_NE(report.problem.find("1024 dimensions"), std::string::npos) << report.problem;
}

// ---- the Jina call slots -------------------------------------------------------------------------

TEST(call_slots, lets_in_as_many_callers_as_slots_and_no_more) {
  call_slots slots(2);
  EXPECT_TRUE(slots.acquire(std::chrono::milliseconds(0)));
  EXPECT_TRUE(slots.acquire(std::chrono::milliseconds(0)));
  EXPECT_EQ(slots.in_flight(), 2);
  EXPECT_FALSE(slots.acquire(std::chrono::milliseconds(5)));  // gives up: no slot came free
  slots.release();
  EXPECT_TRUE(slots.acquire(std::chrono::milliseconds(0)));
  slots.release();
  slots.release();
  EXPECT_EQ(slots.in_flight(), 0);
}

TEST(call_slots, a_waiter_gets_the_slot_a_caller_releases) {
  call_slots slots(1);
  ASSERT_TRUE(slots.acquire(std::chrono::milliseconds(0)));
  bool got = false;
  std::thread waiter([&] { got = slots.acquire(std::chrono::minutes(1)); });
  slots.release();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(slots.in_flight(), 1);
  slots.release();
}
