#include "api_messages.h"

#include <gtest/gtest.h>

#include "api_limits.h"

using namespace polylens;

namespace {
api_error rejection(const std::string& body) {
  auto parsed = search_request_parse(body);
  EXPECT_FALSE(parsed) << body;
  return parsed ? api_error{} : parsed.error();
}
}  // namespace

TEST(search_request, parses_text_k_and_dims) {
  auto r = search_request_parse(R"({"text":"torre Eiffel","k":5,"dims":256})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text, "torre Eiffel");
  EXPECT_EQ(r->k, 5);
  EXPECT_EQ(r->dims, 256);
}

TEST(search_request, keeps_non_latin_text_verbatim) {
  auto r = search_request_parse(R"({"text":"エッフェル塔 برج إيفل"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "エッフェル塔 برج إيفل");
}

TEST(search_request, rejections_name_the_field) {
  struct bad_case {
    const char* body;
    error_type type;
    const char* message_part;
  };
  const bad_case cases[] = {
      {"", error_type::invalid_json, "not valid JSON"},
      {"[1]", error_type::invalid_json, "JSON object"},
      {"{\"text\":\"a\"", error_type::invalid_json, "not valid JSON"},
      {R"({})", error_type::invalid_request, "'text' or 'image'"},
      {R"({"text":""})", error_type::invalid_request, "'text' is empty"},
      {R"({"text":"   "})", error_type::invalid_request, "'text' is empty"},
      {R"({"text":7})", error_type::invalid_request, "'text' must be a string"},
      {R"({"text":"a","image":"Zm9v"})", error_type::invalid_request, "not both"},
      {R"({"text":"a","k":0})", error_type::invalid_request, "'k' must be between 1 and 100"},
      {R"({"text":"a","k":101})", error_type::invalid_request, "'k' must be between 1 and 100"},
      {R"({"text":"a","k":-3})", error_type::invalid_request, "'k' must be between"},
      {R"({"text":"a","k":"5"})", error_type::invalid_request, "'k' must be an integer"},
      {R"({"text":"a","k":2.5})", error_type::invalid_request, "'k' must be an integer"},
      {R"({"text":"a","k":1e30})", error_type::invalid_request, "'k' must be an integer"},
      {R"({"text":"a","dims":32})", error_type::invalid_request, "'dims' must be between 64 and 1024"},
      {R"({"text":"a","dims":2048})", error_type::invalid_request, "'dims' must be between"},
      {R"({"text":"a","query":"x"})", error_type::invalid_request, "unknown field 'query'"},
      {R"({"image":""})", error_type::invalid_request, "'image' is empty"},
      {R"({"image":5})", error_type::invalid_request, "'image' must be a base64 string"},
  };
  for (const auto& c : cases) {
    auto e = rejection(c.body);
    EXPECT_EQ(e.type, c.type) << c.body;
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << c.body << " -> " << e.message;
    EXPECT_EQ(e.http_status(), 400) << c.body;
  }
}

TEST(search_request, rejects_text_over_the_limit) {
  std::string body = R"({"text":")" + std::string(limits::max_query_text_bytes + 1, 'a') + "\"}";
  EXPECT_NE(rejection(body).message.find("longer than"), std::string::npos);
}

TEST(search_request, rejects_invalid_utf8) {
  EXPECT_EQ(rejection("{\"text\":\"\xff\xfe\"}").type, error_type::invalid_json);
}

TEST(search_request, round_trips_through_json) {
  search_request in{"chat", "", 7, 256};
  auto out = search_request_parse(search_request_to_json(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->text, "chat");
  EXPECT_EQ(out->k, 7);
  EXPECT_EQ(out->dims, 256);
}

TEST(search_response, round_trips_through_json) {
  search_response in;
  in.hits = {{"abc", 0.25f, "A cat", {"cat", "animal"}, "Photo: someone, CC BY 2.0"}, {"def", -0.5f, "B", {}, ""}};
  in.took_ms = {1.5, 2.5, 4.5};
  in.embedder = {"jina-clip-v2", "test double", true};
  in.dims = 256;
  in.tokens = 3;
  auto out = search_response_parse(search_response_to_json(in));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->hits.size(), 2u);
  EXPECT_EQ(out->hits[0].id, "abc");
  EXPECT_FLOAT_EQ(out->hits[0].score, 0.25f);
  EXPECT_EQ(out->hits[0].tags, (std::vector<std::string>{"cat", "animal"}));
  EXPECT_EQ(out->hits[0].credit, "Photo: someone, CC BY 2.0");
  EXPECT_EQ(out->hits[1].credit, "");
  EXPECT_DOUBLE_EQ(out->took_ms.knn_ms, 2.5);
  EXPECT_TRUE(out->embedder.stand_in);
  EXPECT_EQ(out->dims, 256);
  EXPECT_EQ(out->tokens, 3);
}

TEST(api_error, envelope_has_code_type_and_message) {
  api_error e{error_type::backend_unavailable, "Elasticsearch at x is unreachable"};
  EXPECT_EQ(e.to_json(),
            R"({"error":{"code":503,"message":"Elasticsearch at x is unreachable","type":"backend_unavailable"}})");
  auto back = api_error_from_response(503, e.to_json());
  EXPECT_EQ(back.type, error_type::backend_unavailable);
  EXPECT_EQ(back.message, e.message);
}

TEST(api_error, a_body_without_envelope_still_gives_an_error) {
  auto e = api_error_from_response(502, "<html>bad gateway</html>");
  EXPECT_EQ(e.type, error_type::internal_error);
  EXPECT_NE(e.message.find("502"), std::string::npos);
}

TEST(health_report, round_trips_through_json) {
  health_report in;
  in.ok = true;
  in.embedder = {"jina-clip-v2", "Jina test double", true};
  in.embedder_url = "http://127.0.0.1:1/v1/embeddings";
  in.backend = "elasticsearch";
  in.backend_reachable = true;
  in.backend_version = "9.2.4";
  in.index = "polylens";
  in.doc_count = 118;
  in.dims = {1024, 256};
  auto out = health_report_parse(health_report_to_json(in));
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->ok);
  EXPECT_TRUE(out->embedder.stand_in);
  EXPECT_EQ(out->doc_count, 118);
  EXPECT_EQ(out->dims, (std::vector<int>{1024, 256}));
  EXPECT_EQ(out->backend_version, "9.2.4");
}
