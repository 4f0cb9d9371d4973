#include "embedded_backend.h"

namespace polylens {

result<std::unique_ptr<embedded_backend>> embedded_backend::open(const config& settings) {
  embedded_store_options options;
  options.directory = settings.data_dir;
  options.fields = settings.fields;
  options.hnsw_threshold = static_cast<std::size_t>(settings.hnsw_threshold);
  auto store = embedded_store::open(options);
  if (!store) {
    api_error e = store.error();
    // Usually a running `polylens serve` holds it; say what to do instead.
    if (e.message.find("is already open") != std::string::npos)
      e.message += ": stop polylens serve, or add images through POST /api/v1/images or the browser while it runs";
    return e;
  }
  bool created = (*store)->open_report().created;  // open() has logged what it found
  return std::unique_ptr<embedded_backend>(new embedded_backend(std::move(*store), created));
}

// The log keeps every vector as float32 (raw); memory holds the searched copy, which for int8 fields
// is the quantised one; the graph is the graph.
result<std::map<std::string, vector_field_storage>> embedded_backend::vector_field_storage_by_name() {
  std::map<std::string, vector_field_storage> out;
  for (const embedded_field_usage& u : store_->vector_field_usage()) {
    vector_field_storage& f = out[u.name];
    f.raw_bytes = u.disk_bytes;
    f.quantised_bytes = u.index_type.rfind("int8", 0) == 0 ? u.memory_bytes : 0;
    f.graph_bytes = u.graph_bytes;
    f.bytes = u.disk_bytes + u.memory_bytes + u.graph_bytes;
  }
  return out;
}

result<std::string> embedded_backend::version() { return std::string("polylens embedded store 1"); }

}  // namespace polylens
