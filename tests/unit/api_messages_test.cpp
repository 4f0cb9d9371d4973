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
      {R"({"text":"a","id":"abc"})", error_type::invalid_request, "only one of 'text', 'image' and 'id'"},
      {R"({"text":"a","k":10,"num_candidates":5})", error_type::invalid_request, "'num_candidates' (5) cannot be less than 'k' (10)"},
      {R"({"text":"a","num_candidates":10001})", error_type::invalid_request, "'num_candidates' must be between 1 and 10000"},
      {R"({"text":"a","tags":"cat"})", error_type::invalid_request, "'tags' must be an array of strings"},
      {R"({"text":"a","tags":["cat",3]})", error_type::invalid_request, "'tags[1]' must be a string"},
      {R"({"text":""})", error_type::invalid_request, "'text' is empty"},
      {R"({"text":"   "})", error_type::invalid_request, "'text' is empty"},
      {R"({"text":7})", error_type::invalid_request, "'text' must be a string"},
      {R"({"text":"a","image":"Zm9v"})", error_type::invalid_request, "only one of"},
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
  search_request in;
  in.text = "chat";
  in.k = 7;
  in.dims = 256;
  auto out = search_request_parse(search_request_to_json(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->text, "chat");
  EXPECT_EQ(out->k, 7);
  EXPECT_EQ(out->dims, 256);
}

TEST(search_response, round_trips_through_json) {
  search_response in;
  search_hit cat;
  cat.id = "abc";
  cat.score = 0.25f;
  cat.title = "A cat";
  cat.tags = {"cat", "animal"};
  cat.credit = "Photo: someone, CC BY 2.0";
  cat.caption = "A cat on a sofa.";
  cat.width = 640;
  cat.height = 426;
  search_hit other;
  other.id = "def";
  other.score = -0.5f;
  other.title = "B";
  other.strong = false;
  in.hits = {cat, other};
  in.took_ms = {1.5, 2.5, 4.5};
  in.embedder = {"jina-clip-v2", "test double", true};
  in.dims = 256;
  in.tokens = 3;
  in.cached = true;
  in.modality = query_modality::image;
  in.threshold = 0.5f;
  in.threshold_source = "calibrated against the Jina test double";
  auto out = search_response_parse(search_response_to_json(in));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->hits.size(), 2u);
  EXPECT_EQ(out->hits[0].id, "abc");
  EXPECT_FLOAT_EQ(out->hits[0].score, 0.25f);
  EXPECT_EQ(out->hits[0].tags, (std::vector<std::string>{"cat", "animal"}));
  EXPECT_EQ(out->hits[0].credit, "Photo: someone, CC BY 2.0");
  EXPECT_EQ(out->hits[0].caption, "A cat on a sofa.");
  EXPECT_EQ(out->hits[0].width, 640);
  EXPECT_EQ(out->hits[0].height, 426);
  EXPECT_TRUE(out->hits[0].strong);
  EXPECT_EQ(out->hits[1].credit, "");
  EXPECT_EQ(out->hits[1].width, 0);
  EXPECT_FALSE(out->hits[1].strong);
  EXPECT_DOUBLE_EQ(out->took_ms.knn_ms, 2.5);
  EXPECT_TRUE(out->embedder.stand_in);
  EXPECT_EQ(out->dims, 256);
  EXPECT_EQ(out->tokens, 3);
  EXPECT_TRUE(out->cached);
  EXPECT_EQ(out->modality, query_modality::image);
  ASSERT_TRUE(out->threshold);
  EXPECT_FLOAT_EQ(*out->threshold, 0.5f);
  EXPECT_EQ(out->threshold_source, "calibrated against the Jina test double");
}

TEST(search_response, without_a_threshold_says_null_and_every_hit_is_strong) {
  search_response in;
  search_hit hit;
  hit.id = "abc";
  in.hits = {hit};
  const std::string json = search_response_to_json(in);
  EXPECT_NE(json.find("\"threshold\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"strong\":true"), std::string::npos) << json;
  auto out = search_response_parse(json);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->threshold);
  EXPECT_TRUE(out->hits[0].strong);
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

TEST(embed_request, parses_texts_images_dims_and_task) {
  auto r = embed_request_parse(R"({"inputs":[{"text":"chat"},{"image":"Zm9v"}],"dims":256,"task":"document"})", 16);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->inputs.size(), 2u);
  EXPECT_FALSE(r->inputs[0].is_image);
  EXPECT_TRUE(r->inputs[1].is_image);
  EXPECT_EQ(r->dims, 256);
  EXPECT_FALSE(r->query);
}

TEST(embed_request, rejections_name_the_item) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({})", "'inputs' is missing"},
      {R"({"inputs":[]})", "'inputs' is empty"},
      {R"({"inputs":"cat"})", "'inputs' must be an array"},
      {R"({"inputs":[{"text":"a"},{"text":"b"},{"text":"c"}]})", "at most 2 per call"},
      {R"({"inputs":[{"text":"a","image":"b"}]})", "'inputs[0]' must have exactly one of 'text' or 'image'"},
      {R"({"inputs":[{"text":"a"},{"url":"x"}]})", "unknown field 'url' in inputs[1]; expected text or image"},
      {R"({"inputs":[{"text":"a","url":"x"}]})", "unknown field 'url' in inputs[0]"},
      {R"({"inputs":[{}]})", "'inputs[0]' must have exactly one of"},
      {R"({"inputs":["cat"]})", "'inputs[0]' must be an object"},
      {R"({"inputs":[{"text":""}]})", "'inputs[0].text' is empty"},
      {R"({"inputs":[{"text":"a"}],"task":"passage"})", "'task' must be"},
      {R"({"inputs":[{"text":"a"}],"dims":2000})", "'dims' must be between 64 and 1024"},
      {R"({"inputs":[{"text":"a"}],"model":"x"})", "unknown field 'model'"},
  };
  for (const auto& [body, part] : cases) {
    auto r = embed_request_parse(body, 2);
    ASSERT_FALSE(r) << body;
    EXPECT_NE(r.error().message.find(part), std::string::npos) << body << " -> " << r.error().message;
  }
}

TEST(knn_request, rejections_name_the_field) {
  std::string v64 = "[1";
  for (int i = 1; i < 64; ++i) v64 += ",0";
  v64 += "]";
  std::string zeros64 = "[0";
  for (int i = 1; i < 64; ++i) zeros64 += ",0";
  zeros64 += "]";
  auto ok = knn_request_parse(R"({"vector":)" + v64 + R"(,"k":3,"tags":["cat"]})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->vector.size(), 64u);
  const std::pair<std::string, const char*> cases[] = {
      {R"({"k":3})", "'vector' is missing"},
      {R"({"vector":[1,2,3]})", "between 64 and 1024 numbers, got 3"},
      {R"({"vector":)" + zeros64 + "}",
       "all zeros"},
      {R"({"vector":)" + v64 + R"(,"dims":256})", "'dims' is 256 but 'vector' has 64 numbers"},
      {R"({"vector":)" + v64 + R"(,"k":10,"num_candidates":3})", "cannot be less than 'k'"},
      {R"({"vector":["a"]})", "between 64 and 1024 numbers"},
  };
  for (const auto& [body, part] : cases) {
    auto r = knn_request_parse(body);
    ASSERT_FALSE(r) << body;
    EXPECT_NE(r.error().message.find(part), std::string::npos) << body << " -> " << r.error().message;
  }
}

TEST(images_request, parses_metadata_and_rejects_bad_items) {
  auto ok = images_request_parse(R"({"images":[{"image":"Zm9v","title":"T","tags":["a","b"],"source":"s"}]})", 4);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*ok)[0].tags.size(), 2u);
  EXPECT_EQ((*ok)[0].source, "s");
  const std::pair<const char*, const char*> cases[] = {
      {R"({"images":[]})", "'images' is empty"},
      {R"({"images":[{"title":"x"}]})", "'images[0].image' is missing"},
      {R"({"images":[{"image":"Zm9v","rating":5}]})", "unknown field 'rating' in images[0]"},
      {R"({"images":[{"image":"Zm9v","tags":"a"}]})", "'images[0].tags' must be an array"},
      {R"({"images":[1]})", "'images[0]' must be an object"},
      {R"({"pictures":[]})", "unknown field 'pictures'"},
  };
  for (const auto& [body, part] : cases) {
    auto r = images_request_parse(body, 4);
    ASSERT_FALSE(r) << body;
    EXPECT_NE(r.error().message.find(part), std::string::npos) << body << " -> " << r.error().message;
  }
}

TEST(images_request, takes_the_originals_id_file_and_size_from_a_client_that_shrank_the_image) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  auto ok = images_request_parse(R"({"images":[{"image":"Zm9v","id":")" + id +
                                     R"(","file":"holiday/beach.jpg","original_width":4000,"original_height":3000}]})",
                                 4);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*ok)[0].id, id);
  EXPECT_EQ((*ok)[0].file, "holiday/beach.jpg");
  EXPECT_EQ((*ok)[0].original_width, 4000);
  EXPECT_EQ((*ok)[0].original_height, 3000);

  // What the browser sends is what the proxy reads back.
  auto again = images_request_parse(images_request_to_json(*ok), 4);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)[0].id, id);
  EXPECT_EQ((*again)[0].file, "holiday/beach.jpg");
  EXPECT_EQ((*again)[0].original_width, 4000);
  EXPECT_EQ((*again)[0].image_base64, "Zm9v");
}

TEST(images_request, rejects_bad_origin_fields_naming_the_item) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"images":[{"image":"Zm9v","id":"abc"}]})", "'images[0].id' must be the original file's content hash"},
      {R"({"images":[{"image":"Zm9v"},{"image":"Zm9v","id":"0123456789ABCDEF0123456789abcdef"}]})",
       "'images[1].id' must be"},
      {R"({"images":[{"image":"Zm9v","id":42}]})", "'images[0].id' must be"},
      {R"({"images":[{"image":"Zm9v","file":""}]})", "'images[0].file' is empty"},
      {R"({"images":[{"image":"Zm9v","file":7}]})", "'images[0].file' must be a string"},
      {R"({"images":[{"image":"Zm9v","original_width":10}]})", "'images[0].original_height' is missing"},
      {R"({"images":[{"image":"Zm9v","original_height":10}]})", "'images[0].original_width' is missing"},
      {R"({"images":[{"image":"Zm9v","original_width":0,"original_height":10}]})", "'images[0].original_width' must be between 1"},
      {R"({"images":[{"image":"Zm9v","original_width":1.5,"original_height":10}]})", "'images[0].original_width' must be an integer"},
      {R"({"images":[{"image":"Zm9v","original_width":20000,"original_height":20000}]})", "400000000 pixels"},
  };
  for (const auto& [body, part] : cases) {
    auto r = images_request_parse(body, 4);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().type, error_type::invalid_request) << body;
    EXPECT_NE(r.error().message.find(part), std::string::npos) << body << " -> " << r.error().message;
  }
}

TEST(images_response, round_trips_each_status) {
  images_response response;
  response.items = {{0, image_item_status::created, "0123456789abcdef0123456789abcdef", "", ""},
                    {1, image_item_status::exists, "fedcba9876543210fedcba9876543210", "", ""},
                    {2, image_item_status::failed, "", "invalid_image", "'images[2].image': the JPEG is truncated"}};
  response.tokens = 8000;
  const std::string body = images_response_to_json(response);
  EXPECT_EQ(body.find("\"id\":\"\""), std::string::npos) << "a failed item without id has no id field: " << body;
  auto parsed = images_response_parse(body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->items.size(), 3u);
  EXPECT_EQ(parsed->items[0].status, image_item_status::created);
  EXPECT_EQ(parsed->items[1].id, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(parsed->items[2].status, image_item_status::failed);
  EXPECT_EQ(parsed->items[2].error_type, "invalid_image");
  EXPECT_EQ(parsed->items[2].error_message, "'images[2].image': the JPEG is truncated");
  EXPECT_EQ(parsed->tokens, 8000);

  auto unknown = images_response_parse(R"({"items":[{"index":0,"status":"maybe"}]})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("maybe"), std::string::npos);
}

// ---- return_vectors: what the browser needs to refine a query by example ----------------------------------

TEST(return_vectors, search_and_knn_requests_take_a_boolean_and_round_trip) {
  search_request in;
  in.text = "gato";
  in.return_vectors = true;
  auto out = search_request_parse(search_request_to_json(in));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->return_vectors);
  EXPECT_FALSE(search_request_parse(R"({"text":"gato"})")->return_vectors);

  knn_request knn;
  knn.vector.assign(64, 0.0f);
  knn.vector[3] = 1.0f;
  knn.k = 5;
  knn.return_vectors = true;
  auto knn_out = knn_request_parse(knn_request_to_json(knn));
  ASSERT_TRUE(knn_out) << knn_out.error().message;
  EXPECT_TRUE(knn_out->return_vectors);
  EXPECT_EQ(knn_out->k, 5);
  EXPECT_EQ(knn_out->vector, knn.vector);

  for (const char* body : {R"({"text":"gato","return_vectors":"yes"})", R"({"text":"gato","return_vectors":1})"}) {
    auto r = search_request_parse(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().message, "'return_vectors' must be true or false");
  }
}

TEST(return_query_vector, search_requests_take_a_boolean_and_round_trip_apart_from_return_vectors) {
  search_request in;
  in.id = "0123456789abcdef0123456789abcdef";
  in.return_query_vector = true;
  const std::string json = search_request_to_json(in);
  EXPECT_EQ(json.find("return_vectors"), std::string::npos) << json;
  auto out = search_request_parse(json);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->return_query_vector);
  EXPECT_FALSE(out->return_vectors);
  EXPECT_FALSE(search_request_parse(R"({"text":"gato"})")->return_query_vector);

  for (const char* body : {R"({"text":"gato","return_query_vector":"yes"})", R"({"text":"gato","return_query_vector":null})"}) {
    auto r = search_request_parse(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().message, "'return_query_vector' must be true or false");
  }
  // The knn request has no such field: its query vector is the caller's own.
  auto knn = knn_request_parse(R"({"vector":[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"return_query_vector":true})");
  ASSERT_FALSE(knn);
  EXPECT_NE(knn.error().message.find("unknown field 'return_query_vector'"), std::string::npos) << knn.error().message;
  auto unknown = search_request_parse(R"({"text":"gato","query_vector":true})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("return_query_vector"), std::string::npos) << unknown.error().message;
}

TEST(return_vectors, the_response_carries_the_query_and_hit_vectors_only_when_set) {
  search_response in;
  search_hit hit;
  hit.id = "abc";
  in.hits = {hit};
  EXPECT_EQ(search_response_to_json(in).find("vector"), std::string::npos);
  in.hits[0].vector = {0.5f, -0.25f};
  in.query_vector = {1.0f, 0.0f};
  auto out = search_response_parse(search_response_to_json(in));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->query_vector, (std::vector<float>{1.0f, 0.0f}));
  EXPECT_EQ(out->hits[0].vector, (std::vector<float>{0.5f, -0.25f}));
}

TEST(return_vectors, vectors_are_written_in_their_shortest_exact_form) {
  search_response in;
  in.query_vector = {0.1f, -0.031234567f, 1.0f, 1e-8f};  // the second is closest to -0.031234566 as a float
  const std::string json = search_response_to_json(in);
  EXPECT_NE(json.find("\"query_vector\":[0.1,-0.031234566,1.0,1e-08]"), std::string::npos) << json;
  auto out = search_response_parse(json);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->query_vector, in.query_vector);  // exactly the same floats
}
