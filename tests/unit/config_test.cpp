#include "config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

using namespace polylens;

namespace {
std::map<std::string, std::string> fake_env;
const char* lookup(const char* name) {
  auto it = fake_env.find(name);
  return it == fake_env.end() ? nullptr : it->second.c_str();
}

result<config_outcome> load(std::vector<const char*> args) {
  args.insert(args.begin(), "polylens");
  return config_load(static_cast<int>(args.size()), args.data(), lookup);
}

struct config_test : ::testing::Test {
  void SetUp() override { fake_env = {{"JINA_API_KEY", "jina_secret_key_for_tests"}}; }
};
}  // namespace

TEST_F(config_test, defaults) {
  auto c = load({});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->settings.command, "serve");
  EXPECT_EQ(c->settings.listen_port, 8080);
  EXPECT_EQ(c->settings.jina_api_url, "https://api.jina.ai/v1/embeddings");
  ASSERT_EQ(c->settings.fields.size(), 2u);
  EXPECT_EQ(c->settings.largest_dims(), 1024);
  EXPECT_EQ(c->settings.field_for_dims(256)->index_type, "int8_hnsw");
  EXPECT_EQ(c->settings.field_for_dims(512), nullptr);
}

TEST_F(config_test, flag_beats_env_beats_file) {
  std::string path = ::testing::TempDir() + "polylens-config-test.json";
  std::ofstream(path) << R"({"index":"from-file","es_url":"http://file:9200","listen":"0.0.0.0:7000"})";
  fake_env["POLYLENS_CONFIG"] = path;
  fake_env["POLYLENS_INDEX"] = "from-env";
  fake_env["ES_URL"] = "http://env:9200/";
  auto c = load({"--index", "from-flag"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->settings.index_name, "from-flag");
  EXPECT_EQ(c->settings.es_url, "http://env:9200");  // trailing slash dropped
  EXPECT_EQ(c->settings.listen_port, 7000);
  EXPECT_EQ(c->settings.listen_host, "0.0.0.0");
  std::remove(path.c_str());
}

TEST_F(config_test, fields_are_sorted_largest_first) {
  auto c = load({"--fields=128:flat,1024,512:bbq_hnsw"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->settings.fields[0].dims, 1024);
  EXPECT_EQ(c->settings.fields[0].index_type, "hnsw");
  EXPECT_EQ(c->settings.fields[2].name(), "vec_128");
}

TEST_F(config_test, every_mistake_says_what_to_fix) {
  struct bad_case {
    std::vector<const char*> args;
    const char* message_part;
  };
  const bad_case cases[] = {
      {{"--listen", "8080"}, "--listen must be HOST:PORT"},
      {{"--listen", "127.0.0.1:99999"}, "between 0 and 65535"},
      {{"--jina-timeout-ms", "soon"}, "must be a whole number"},
      {{"--fields", "1024:fast"}, "index type 'fast' is not one of"},
      {{"--fields", "32"}, "between 64 and 1024"},
      {{"--fields", "256,256"}, "listed twice"},
      {{"--dims", "256"}, "--dims is only used by polylens report"},
      {{"report", "--dims", "1024,32"}, "--dims has '32': must be between 64 and 1024"},
      {{"report", "--types", "hnsw,fast"}, "--types has 'fast', which is not one of hnsw, int8_hnsw"},
      {{"report", "--format", "xml"}, "--format must be one of table, markdown, json, got 'xml'"},
      {{"report", "--k", "0"}, "--k must be between 1 and 100"},
      {{"report", "--synthetic", "lots"}, "--synthetic must be a whole number"},
      {{"report", "--keep=maybe"}, "--keep takes no value"},
      {{"report", "--rescore", "11"}, "--rescore must be 0 (off) or between 1 and 10"},
      {{"report", "--rescore", "x"}, "--rescore must be a number"},
      {{"report", "--k", "20", "--num-candidates", "10"}, "--num-candidates 10 is less than --k 20"},
      {{"report", "extra"}, "polylens report takes no arguments"},
      {{"--es-url", "localhost:9200"}, "must start with http://"},
      {{"--es-url", "http://user:pw@host:9200"}, "must not carry credentials"},
      {{"--jina-api-key", "x"}, "secrets are read from the environment or the config file only"},
      {{"--bogus", "1"}, "unknown option --bogus"},
      {{"--index"}, "--index needs a value"},
      {{"launch"}, "unknown command 'launch'"},
      {{"index"}, "needs exactly one folder"},
      {{"serve", "extra"}, "takes no arguments"},
  };
  for (const auto& c : cases) {
    auto r = load(c.args);
    ASSERT_FALSE(r) << c.message_part;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
  }
}

TEST_F(config_test, no_key_is_an_error_that_names_the_variable) {
  fake_env.clear();
  auto r = load({});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("JINA_API_KEY"), std::string::npos);
}

TEST_F(config_test, secrets_never_show_in_help_or_the_table) {
  fake_env["ES_PASSWORD"] = "hunter2-password";
  auto c = load({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->settings.secrets().size(), 2u);
  EXPECT_EQ(config_help_text().find("jina_secret_key_for_tests"), std::string::npos);
  EXPECT_NE(config_markdown_table().find("| `--fields DIMS:TYPE,...` | `POLYLENS_FIELDS` |"), std::string::npos);
}

// Every dims:type pair that Elasticsearch 9.2.4 refuses within 64..1024 (checked against a live
// node; tests/integration/report.test.mjs re-checks the whole matrix) is refused here first, with
// a message naming the field.
TEST_F(config_test, fields_follow_what_elasticsearch_accepts) {
  for (const auto& type : vector_index_types()) {
    for (int dims : {64, 65, 255, 256, 1023, 1024}) {
      const bool int4 = type.rfind("int4_", 0) == 0;
      std::string flag = "--fields=" + std::to_string(dims) + ":" + type;
      auto c = load({flag.c_str()});
      if (int4 && dims % 2 != 0) {
        ASSERT_FALSE(c) << flag;
        EXPECT_NE(c.error().message.find("field vec_" + std::to_string(dims) + " (" + std::to_string(dims) + ":" + type +
                                         "): Elasticsearch's int4 types need an even number of dims"),
                  std::string::npos)
            << c.error().message;
      } else {
        ASSERT_TRUE(c) << flag << ": " << c.error().message;
        EXPECT_EQ(c->settings.fields.at(0).index_type, type);
      }
    }
  }
}

TEST_F(config_test, field_messages_name_the_field) {
  const std::pair<const char*, const char*> cases[] = {
      {"1024,65:int4_hnsw", "--fields field vec_65 (65:int4_hnsw): Elasticsearch's int4 types need an even number of dims; use 64 or 66"},
      {"1024,100:int4_flat,101:int4_flat", "field vec_101 (101:int4_flat)"},
      {"1024:fast", "field vec_1024 (1024:fast): index type 'fast' is not one of hnsw, int8_hnsw, int4_hnsw, bbq_hnsw, flat, int8_flat, int4_flat, bbq_flat"},
      {"2048:hnsw", "field '2048:hnsw' (vec_2048): dims must be between 64 and 1024, got 2048"},
      {"abc:hnsw", "field 'abc:hnsw' (vec_abc): dims must be a whole number"},
      {"1024:", "field vec_1024 (1024:): index type '' is not one of"},
  };
  for (const auto& [fields, part] : cases) {
    auto r = load({"--fields", fields});
    ASSERT_FALSE(r) << fields;
    EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(vector_field_problem({64, "bbq_hnsw"}), "");
  EXPECT_NE(vector_field_problem({63, "bbq_flat"}).find("between 64 and 1024"), std::string::npos);
}

TEST_F(config_test, report_options) {
  auto no_es = load({"report"});
  ASSERT_FALSE(no_es);
  EXPECT_EQ(no_es.error().message, "polylens report measures Elasticsearch's index types: set ES_URL");
  auto defaults = load({"report", "--es-url", "http://127.0.0.1:9200"});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->settings.command, "report");
  EXPECT_EQ(defaults->settings.report.dims, (std::vector<int>{1024, 512, 256, 128, 64}));
  EXPECT_EQ(defaults->settings.report.types, (std::vector<std::string>{"hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw"}));
  EXPECT_EQ(defaults->settings.report.k, 10);
  EXPECT_FALSE(defaults->settings.report.keep);

  auto c = load({"report", "--es-url", "http://127.0.0.1:9200", "--dims", "64,1024,256,1024", "--types=bbq_flat,hnsw", "--keep", "--format", "json",
                 "--synthetic", "500", "--k", "5", "--rescore", "2.5"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->settings.report.dims, (std::vector<int>{1024, 256, 64}));  // largest first, once each
  EXPECT_EQ(c->settings.report.types, (std::vector<std::string>{"bbq_flat", "hnsw"}));
  EXPECT_TRUE(c->settings.report.keep);  // a switch: it took no value, so --format still parsed
  EXPECT_EQ(c->settings.report.format, "json");
  EXPECT_EQ(c->settings.report.synthetic, 500);
  EXPECT_EQ(c->settings.report.k, 5);
  EXPECT_DOUBLE_EQ(c->settings.report.rescore, 2.5);
  EXPECT_NE(config_help_text().find("  --keep\n      report: keep the scratch indices"), std::string::npos);
}
TEST_F(config_test, match_thresholds_are_unset_by_default_and_read_as_cosines) {
  auto none = load({});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->settings.match_threshold_text);
  EXPECT_FALSE(none->settings.match_threshold_image);

  std::string path = ::testing::TempDir() + "polylens-thresholds-test.json";
  std::ofstream(path) << R"({"match_threshold_image": 0.8})";
  fake_env["POLYLENS_CONFIG"] = path;
  fake_env["POLYLENS_MATCH_THRESHOLD_TEXT"] = "0.3";
  auto set = load({"--match-threshold-text", "-0.25"});
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->settings.match_threshold_text && set->settings.match_threshold_image);
  EXPECT_FLOAT_EQ(*set->settings.match_threshold_text, -0.25f);  // the flag beats the environment
  EXPECT_FLOAT_EQ(*set->settings.match_threshold_image, 0.8f);   // from the file (a JSON number)
  std::remove(path.c_str());
  fake_env.erase("POLYLENS_CONFIG");
  fake_env.erase("POLYLENS_MATCH_THRESHOLD_TEXT");

  for (const char* bad : {"1.01", "-2", "high", "0.5x", ""}) {
    auto refused = load({"--match-threshold-image", bad});
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("--match-threshold-image must be a cosine similarity between -1 and 1"),
              std::string::npos)
        << refused.error().message;
  }
}
