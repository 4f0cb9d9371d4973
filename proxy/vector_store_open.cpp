#include "elasticsearch_backend.h"
#include "embedded_backend.h"
#include "vector_store.h"

namespace polylens {

result<std::unique_ptr<vector_store>> vector_store_open(const config& settings) {
  if (settings.store_kind() == "elasticsearch") return std::unique_ptr<vector_store>(new elasticsearch_backend(settings));
  auto embedded = embedded_backend::open(settings);
  if (!embedded) return embedded.error();
  return std::unique_ptr<vector_store>(std::move(*embedded));
}

}  // namespace polylens
