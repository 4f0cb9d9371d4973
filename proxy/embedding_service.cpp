#include "embedding_service.h"

#include <map>

#include "log.h"

namespace polylens {

token_use token_use_of(const std::vector<embed_input>& inputs, bool query) {
  bool all_text = true, all_images = true;
  for (const auto& in : inputs) {
    (in.type == embed_input::kind::text ? all_images : all_text) = false;
  }
  if (inputs.empty()) return token_use::other;
  if (query && all_text) return token_use::text_queries;
  if (query && all_images) return token_use::image_queries;
  if (!query && all_images) return token_use::images_indexed;
  return token_use::other;
}

embedding_service::embedding_service(const config& settings, metrics_registry& metrics)
    : model_(settings.jina_model),
      cache_file_(settings.cache_file),
      metrics_(metrics),
      cache_(settings.cache_bytes),
      client_(settings, metrics) {
  if (cache_file_.empty() || !cache_.enabled()) return;
  auto report = cache_.load(cache_file_);
  switch (report.status) {
    case embedding_cache_load_report::outcome::loaded:
      persisted_changes_ = cache_.changes();
      log_info("embedding cache loaded", {{"file", cache_file_}, {"entries", report.entries}});
      break;
    case embedding_cache_load_report::outcome::absent:
      log_info("no embedding cache file yet; it is written at shutdown", {{"file", cache_file_}});
      break;
    case embedding_cache_load_report::outcome::rejected:
      log_warn("the embedding cache file is damaged: ignoring it, starting empty (it is rewritten at shutdown)",
               {{"file", cache_file_}, {"offset", report.offset}, {"problem", report.problem}});
      break;
  }
}

embedding_service::~embedding_service() {
  try {
    persist();
  } catch (const std::exception& e) {
    log_error("cannot write the embedding cache file", {{"file", cache_file_}, {"problem", e.what()}});
  }
}

result<embed_batch> embedding_service::embed(const std::vector<embed_input>& inputs, bool query) {
  const embed_task task = query ? embed_task::query : embed_task::document;
  // Until the embedder has answered once, its answers alone say whether it is a stand-in, so the
  // first call of a process is not answered from a cache file (main's probe() is that call).
  const bool lookup = client_.identity_known();
  embed_batch out;
  out.items.resize(inputs.size());

  // The misses, each distinct input once, and which miss answers each input that was not cached.
  std::vector<embed_input> misses;
  std::vector<embedding_cache_key> miss_keys;
  std::map<embedding_cache_key, std::size_t> miss_of_key;
  std::vector<std::size_t> miss_of_input(inputs.size(), 0);
  long long hits = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const bool text = inputs[i].type == embed_input::kind::text;
    embed_input sent{inputs[i].type, text ? embedding_text_normalise(inputs[i].value) : inputs[i].value};
    auto key = embedding_cache_key_make(client_.url(), model_, task, text ? embed_kind::text : embed_kind::image,
                                        sent.value);
    if (auto vector = lookup ? cache_.get(key) : std::nullopt) {
      out.items[i] = {std::move(*vector), true};
      ++hits;
      continue;
    }
    auto [it, fresh] = miss_of_key.emplace(key, misses.size());
    if (fresh) {
      misses.push_back(std::move(sent));
      miss_keys.push_back(key);
    }
    miss_of_input[i] = it->second;
  }
  if (hits > 0) metrics_.count_cache(true, hits);
  if (misses.empty()) return out;
  metrics_.count_cache(false, static_cast<long long>(inputs.size()) - hits);

  auto embedded = client_.embed(misses, query);
  if (!embedded) return embedded.error();
  out.tokens = embedded->tokens;
  metrics_.add_tokens(out.tokens, token_use_of(misses, query), static_cast<long long>(misses.size()));
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!out.items[i].cached) out.items[i].vector = embedded->vectors[miss_of_input[i]];
  for (std::size_t m = 0; m < misses.size(); ++m) cache_.put(miss_keys[m], std::move(embedded->vectors[m]));
  return out;
}

result<embedder_info> embedding_service::probe() {
  auto probed = client_.embed({{embed_input::kind::text, "polylens start-up probe"}}, true);
  if (!probed) return probed.error();
  metrics_.add_tokens(probed->tokens, token_use::other, 1);  // the start-up probe is no one's query
  return client_.info();
}

embedding_cache_stats embedding_service::cache_stats() const { return cache_.stats(); }

void embedding_service::persist() {
  if (cache_file_.empty() || !cache_.enabled()) return;
  std::lock_guard lock(persist_mutex_);
  std::uint64_t changes = cache_.changes();
  if (changes == persisted_changes_) return;  // the file already holds this
  auto stats = cache_.stats();
  if (std::string problem = cache_.save(cache_file_); !problem.empty()) {
    log_error("cannot write the embedding cache file", {{"file", cache_file_}, {"problem", problem}});
    return;
  }
  persisted_changes_ = changes;
  log_info("embedding cache written", {{"file", cache_file_}, {"entries", stats.entries}});
}

}  // namespace polylens
