// The embedded store's parts, each on its own: CRC-32C, int8 quantisation, the dot-product kernels
// and the exact top-k scan, and the record log's replay (torn tails cut off, damage refused).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "crc32c.h"
#include "int8_vectors.h"
#include "record_log.h"
#include "store_test_support.h"
#include "vector_matrix.h"
#include "vector_scan.h"

using namespace polylens;
using namespace polylens::testing;

// ---- CRC-32C ----------------------------------------------------------------------------------------

TEST(crc32c, matches_the_published_check_value) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c_portable("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c("", 0), 0u);
}

TEST(crc32c, hardware_and_table_agree_on_every_length_and_alignment) {
  std::mt19937 rng(7);
  std::string data(3 * 3 * 4096 + 64, '\0');  // three-stripe blocks of 4096 bytes, and the rest
  for (auto& c : data) c = static_cast<char>(rng());
  for (std::size_t offset = 0; offset < 9; ++offset)
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 255u, 1000u, 4096u, 12287u, 12288u, 12289u, 30000u, 36864u})
      ASSERT_EQ(crc32c(data.data() + offset, n), crc32c_portable(data.data() + offset, n)) << offset << " " << n;
}

TEST(crc32c, extends_over_pieces) {
  std::string data = "the quick brown fox jumps over the lazy dog";
  std::uint32_t whole = crc32c(data.data(), data.size());
  std::uint32_t pieces = crc32c(data.data() + 10, data.size() - 10, crc32c(data.data(), 10));
  EXPECT_EQ(whole, pieces);
}

// ---- int8 quantisation --------------------------------------------------------------------------------

TEST(int8_vectors, dot_products_stay_within_a_hundredth_of_the_float_cosine) {
  for (int dims : {64, 256, 1024}) {
    float worst = 0;
    for (std::uint64_t i = 0; i < 300; ++i) {
      auto a = unit_vector(i, dims), b = unit_vector(i + 1000, dims);
      // Related pairs too, where the cosine is large: b leans towards a.
      if (i % 2) for (int d = 0; d < dims; ++d) b[d] = 0.8f * a[d] + 0.2f * b[d];
      float norm = 0;
      for (float x : b) norm += x * x;
      for (float& x : b) x /= std::sqrt(norm);
      std::vector<std::int8_t> qa(dims), qb(dims);
      float sa = int8_quantize(a.data(), dims, qa.data()), sb = int8_quantize(b.data(), dims, qb.data());
      float exact = 0, approx = 0;
      for (int d = 0; d < dims; ++d) {
        exact += a[d] * b[d];
        approx += float(qa[d]) * float(qb[d]);
      }
      worst = std::max(worst, std::fabs(exact - sa * sb * approx));
    }
    EXPECT_LT(worst, 0.01f) << dims << " dims";
  }
}

TEST(int8_vectors, round_trips_within_half_a_step_and_keeps_zero_vectors_zero) {
  auto v = unit_vector(3, 256);
  std::vector<std::int8_t> codes(256);
  float scale = int8_quantize(v.data(), 256, codes.data());
  std::vector<float> back(256);
  int8_dequantize(codes.data(), scale, 256, back.data());
  for (int d = 0; d < 256; ++d) EXPECT_LE(std::fabs(back[d] - v[d]), scale / 2 + 1e-7f);
  std::vector<float> zero(64, 0.0f);
  std::vector<std::int8_t> zc(64, 5);
  EXPECT_EQ(int8_quantize(zero.data(), 64, zc.data()), 0.0f);
  EXPECT_TRUE(std::all_of(zc.begin(), zc.end(), [](std::int8_t c) { return c == 0; }));
}

// ---- kernels and the scan --------------------------------------------------------------------------------

TEST(vector_scan, kernels_match_a_plain_loop) {
  for (std::size_t n : {32u, 64u, 96u, 256u, 1024u}) {
    auto a = unit_vector(n, static_cast<int>(n)), b = unit_vector(n + 1, static_cast<int>(n));
    double plain = 0;
    for (std::size_t i = 0; i < n; ++i) plain += double(a[i]) * b[i];
    EXPECT_NEAR(dot_f32(a.data(), b.data(), n), plain, 1e-5);
    std::vector<std::int8_t> x(n), y(n);
    std::int32_t plain_i = 0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<std::int8_t>(static_cast<int>(i * 37 % 255) - 127);
      y[i] = static_cast<std::int8_t>(static_cast<int>(i * 91 % 255) - 127);
      plain_i += x[i] * y[i];
    }
    EXPECT_EQ(dot_i8(x.data(), y.data(), n), plain_i);
  }
}

TEST(vector_scan, top_k_over_allowed_rows_equals_sorting_them_all) {
  for (auto storage : {vector_storage::float32, vector_storage::int8}) {
    const int dims = 100;  // not a multiple of 32: rows are padded
    vector_matrix m(dims, storage);
    const std::size_t rows = 3000;  // three chunks, the last one partial
    for (std::size_t r = 0; r < rows; ++r) m.append(unit_vector(r, dims).data());
    row_set allowed(rows);
    std::mt19937 rng(5);
    for (std::size_t r = 0; r < rows; ++r)
      if (rng() % 3) allowed.insert(r);
    prepared_query q;
    ASSERT_TRUE(m.prepare(unit_vector(99999, dims).data(), q));
    std::vector<scored_row> all;
    for (std::size_t r = 0; r < rows; ++r)
      if (allowed.contains(r)) all.push_back({score_row(m, q, r), static_cast<std::uint32_t>(r)});
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); });
    auto top = scan_top_k(m, q, 25, allowed);
    ASSERT_EQ(top.size(), 25u);
    for (std::size_t i = 0; i < 25; ++i) {
      EXPECT_EQ(top[i].row, all[i].row) << i;
      EXPECT_FLOAT_EQ(top[i].score, all[i].score) << i;
    }
  }
}

TEST(vector_scan, a_row_scores_one_against_itself_and_keep_rows_moves_rows_down) {
  vector_matrix m(64, vector_storage::float32);
  for (int r = 0; r < 2100; ++r) m.append(unit_vector(r, 64).data());
  prepared_query q;
  ASSERT_TRUE(m.prepare(unit_vector(2050, 64).data(), q));
  EXPECT_NEAR(score_row(m, q, 2050), 1.0f, 1e-5);
  m.keep_rows({1, 2050});
  EXPECT_EQ(m.rows(), 2u);
  EXPECT_NEAR(score_row(m, q, 1), 1.0f, 1e-5);
  EXPECT_FALSE(m.prepare(std::vector<float>(64, 0.0f).data(), q));
}

// ---- the record log ---------------------------------------------------------------------------------------

namespace {

struct replayed {
  std::vector<std::string> payloads;
  std::vector<std::uint64_t> offsets;
};

result<replayed> replay(const std::string& path, log_replay_report* report = nullptr) {
  replayed r;
  auto log = record_log::open(
      path,
      [&](std::uint64_t offset, std::string_view payload) -> std::optional<std::string> {
        r.offsets.push_back(offset);
        r.payloads.emplace_back(payload);
        return std::nullopt;
      },
      report);
  if (!log) return log.error();
  return r;
}

// A log of three records; returns the offsets of their headers.
std::vector<std::uint64_t> write_three(const std::string& path) {
  auto log = record_log::create(path);
  EXPECT_TRUE(log.ok());
  std::vector<std::uint64_t> at;
  for (const std::string& p : {std::string("first record"), std::string("the second one, a little longer"), std::string(300, 'x')}) {
    auto a = (*log)->append(p);
    EXPECT_TRUE(a.ok());
    at.push_back(*a - record_log::header_bytes);
  }
  EXPECT_TRUE((*log)->sync().ok());
  return at;
}

}  // namespace

TEST(record_log, replays_what_was_appended) {
  scratch_directory dir("record-log-replay");
  auto at = write_three(dir.sub("log"));
  log_replay_report report;
  auto r = replay(dir.sub("log"), &report);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->payloads.size(), 3u);
  EXPECT_EQ(r->payloads[1], "the second one, a little longer");
  EXPECT_EQ(r->offsets, at);
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_EQ(report.records, 3u);
}

TEST(record_log, cuts_off_the_last_record_torn_at_any_byte) {
  scratch_directory dir("record-log-torn");
  auto at = write_three(dir.sub("log"));
  const std::string whole = read_file(dir.sub("log"));
  for (std::size_t cut = at[2]; cut < whole.size(); ++cut) {
    write_file(dir.sub("log"), whole.substr(0, cut));
    log_replay_report report;
    auto r = replay(dir.sub("log"), &report);
    ASSERT_TRUE(r.ok()) << "cut at " << cut << ": " << r.error().message;
    EXPECT_EQ(r->payloads.size(), 2u) << cut;
    EXPECT_EQ(report.truncated_bytes, cut - at[2]) << cut;
    EXPECT_EQ(std::filesystem::file_size(dir.sub("log")), at[2]) << cut;
  }
}

TEST(record_log, cuts_off_a_last_record_whose_bytes_were_never_written) {
  scratch_directory dir("record-log-zeros");
  auto at = write_three(dir.sub("log"));
  std::string bytes = read_file(dir.sub("log"));
  // The file grew but the last record's pages never reached the disk: zeros.
  std::fill(bytes.begin() + static_cast<long>(at[2]) + 20, bytes.end(), '\0');
  write_file(dir.sub("log"), bytes + std::string(100, '\0'));
  auto r = replay(dir.sub("log"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payloads.size(), 2u);
  EXPECT_EQ(std::filesystem::file_size(dir.sub("log")), at[2]);
}

TEST(record_log, refuses_damage_before_valid_records_naming_file_and_offset) {
  scratch_directory dir("record-log-damage");
  auto at = write_three(dir.sub("log"));
  const std::string whole = read_file(dir.sub("log"));
  // Every byte of the middle record: header and payload.
  for (std::size_t i = at[1]; i < at[2]; ++i) {
    std::string bytes = whole;
    bytes[i] = static_cast<char>(bytes[i] ^ 0x20);
    write_file(dir.sub("log"), bytes);
    auto r = replay(dir.sub("log"));
    ASSERT_FALSE(r.ok()) << "flipped byte " << i;
    EXPECT_NE(r.error().message.find(dir.sub("log")), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("byte " + std::to_string(at[1])), std::string::npos) << r.error().message;
    EXPECT_EQ(read_file(dir.sub("log")), bytes) << "a refused log must be left as it is";
  }
}

TEST(record_log, refuses_an_absurd_length_in_the_middle_or_at_the_end) {
  scratch_directory dir("record-log-length");
  auto at = write_three(dir.sub("log"));
  const std::string whole = read_file(dir.sub("log"));
  auto with_length = [&](std::uint64_t record, std::uint32_t length, bool fix_header) {
    std::string bytes = whole;
    std::memcpy(bytes.data() + record + 4, &length, 4);
    if (fix_header) {
      std::uint32_t check = crc32c(bytes.data() + record, 12);
      std::memcpy(bytes.data() + record + 12, &check, 4);
    }
    return bytes;
  };
  for (bool fix : {false, true}) {
    write_file(dir.sub("log"), with_length(at[1], 0x7FFFFFF0u, fix));
    auto r = replay(dir.sub("log"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(dir.sub("log")), std::string::npos);
    EXPECT_NE(r.error().message.find("byte " + std::to_string(at[1])), std::string::npos) << r.error().message;
  }
  // At the end, a header that checks out but claims an impossible length is not a torn write.
  write_file(dir.sub("log"), with_length(at[2], 0x7FFFFFF0u, true));
  auto r = replay(dir.sub("log"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("impossible length"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("byte " + std::to_string(at[2])), std::string::npos) << r.error().message;
}
