// Getting images into the index, shared by `polylens index` and POST /api/v1/images: prepare each
// image (hash, shrink, thumbnail), then embed the new ones in one call and bulk-index them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "api_messages.h"
#include "config.h"
#include "vector_store.h"
#include "embedding_service.h"
#include "image_metadata.h"
#include "result.h"

namespace polylens {

struct ingest_item {
  image_document doc;
  std::string upload_jpeg;  // what the embedder sees: at most 512 px on the long side
};

// What a client that shrank the image before sending it says about the original (image_upload).
struct ingest_origin {
  std::string id;  // content hash of the original file; empty: hash the bytes given
  int width = 0, height = 0;  // of the original; 0: as decoded
};

// Decodes, hashes and shrinks one image. The id is the hash of `bytes` as given, so the same file
// is recognised however often it is sent, unless `origin` names the original's hash (and size).
result<ingest_item> ingest_prepare(std::string_view bytes, const std::string& file_name, const image_metadata& metadata,
                                   const ingest_origin& origin = {});

using ingest_status = image_item_status;  // the statuses POST /api/v1/images answers with

struct ingest_outcome {
  std::string id;
  ingest_status status = ingest_status::failed;
  std::string error;
};

struct ingest_result {
  std::vector<ingest_outcome> outcomes;  // one per item, in order
  int tokens = 0;
};

// Skips ids already in the index, embeds the rest in one call, derives every configured field and
// bulk-indexes them. An embedder or Elasticsearch failure fails the whole batch: nothing half-stored.
// wait: return once the new images are searchable.
result<ingest_result> ingest_store(std::vector<ingest_item> items, const config& settings, embedding_service& embedder,
                                   vector_store& backend, bool wait);

}  // namespace polylens
