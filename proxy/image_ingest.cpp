#include "image_ingest.h"

#include <set>

#include "api_limits.h"
#include "content_hash.h"
#include "image_preprocess.h"
#include "matryoshka.h"

namespace polylens {

result<ingest_item> ingest_prepare(std::string_view bytes, const std::string& file_name, const image_metadata& metadata,
                                   const ingest_origin& origin) {
  auto decoded = image_decode(bytes);
  if (!decoded) return decoded.error();
  ingest_item item;
  image_document& doc = item.doc;
  // A shrunk upload keeps the original's id, so the browser and the indexer agree on it (the admin
  // route is trusted to say it truthfully; images_request_parse checked its shape).
  doc.id = origin.id.empty() ? content_hash(bytes) : origin.id;
  doc.file = file_name;
  doc.width = origin.width > 0 ? origin.width : decoded->width;
  doc.height = origin.height > 0 ? origin.height : decoded->height;
  doc.title = !metadata.title.empty() ? metadata.title : title_from_file_name(file_name);
  doc.caption = metadata.caption;
  doc.tags = metadata.tags;
  doc.licence = metadata.licence;
  doc.credit = metadata.credit;
  doc.source_url = metadata.source_url;
  item.upload_jpeg = image_encode_jpeg(image_fit_within(*decoded, limits::upload_long_side), limits::upload_jpeg_quality);
  doc.thumbnail_jpeg =
      image_encode_jpeg(image_fit_within(*decoded, limits::thumbnail_long_side), limits::thumbnail_jpeg_quality);
  return item;
}

result<ingest_result> ingest_store(std::vector<ingest_item> items, const config& settings, embedding_service& embedder,
                                   vector_store& backend, bool wait) {
  ingest_result out;
  out.outcomes.resize(items.size());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.outcomes[i].id = items[i].doc.id;
    ids.push_back(items[i].doc.id);
  }
  auto existing = backend.existing_ids(ids);
  if (!existing) return existing.error();

  std::vector<std::size_t> todo;  // indices into items
  std::set<std::string> in_this_batch;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (existing->count(items[i].doc.id) || !in_this_batch.insert(items[i].doc.id).second)
      out.outcomes[i].status = ingest_status::exists;
    else
      todo.push_back(i);
  }
  if (todo.empty()) return out;

  std::vector<embed_input> inputs;
  for (std::size_t i : todo) inputs.push_back({embed_input::kind::image, items[i].upload_jpeg});
  auto embedded = embedder.embed(inputs, false);
  if (!embedded) return embedded.error();
  out.tokens = embedded->tokens;

  std::vector<image_document> docs;
  for (std::size_t n = 0; n < todo.size(); ++n) {
    image_document& doc = items[todo[n]].doc;
    for (const auto& f : settings.fields) doc.vectors[f.dims] = matryoshka_truncate(embedded->items[n].vector, f.dims);
    docs.push_back(std::move(doc));
  }
  auto stored = backend.bulk_index(docs, wait);
  if (!stored) return stored.error();
  for (std::size_t n = 0; n < todo.size() && n < stored->size(); ++n) {
    ingest_outcome& o = out.outcomes[todo[n]];
    const bulk_item_outcome& item = (*stored)[n];
    o.status = item.error.empty() ? ingest_status::created : ingest_status::failed;
    o.error = item.error;
  }
  return out;
}

}  // namespace polylens
