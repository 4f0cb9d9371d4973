#include "embedding_service.h"

namespace polylens {

embedding_service::embedding_service(const config& settings, metrics_registry& metrics)
    : client_(settings), metrics_(metrics) {}

embedding_service::~embedding_service() = default;

result<embed_batch> embedding_service::embed(const std::vector<embed_input>& inputs, bool query) {
  auto embedded = client_.embed(inputs, query);
  if (!embedded) return embedded.error();
  embed_batch out;
  out.tokens = embedded->tokens;
  for (auto& v : embedded->vectors) out.items.push_back({std::move(v), false});
  metrics_.add_tokens(out.tokens);
  metrics_.count_cache(false, static_cast<long long>(inputs.size()));
  return out;
}

embedding_cache_stats embedding_service::cache_stats() const { return {}; }

void embedding_service::persist() {}

}  // namespace polylens
