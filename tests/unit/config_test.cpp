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
