// What every vector store keeps and answers, whichever backend holds it: the stored document, a kNN
// query and the outcome of one write.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "api_messages.h"

namespace polylens {

struct image_document {
  std::string id;  // content hash of the original file
  std::string file;
  std::string title;
  std::string caption;
  std::vector<std::string> tags;
  std::string licence;
  std::string credit;
  std::string source_url;
  int width = 0, height = 0;  // of the original
  std::string thumbnail_jpeg;
  std::map<int, std::vector<float>> vectors;  // by dims, one per configured field
};

struct knn_query {
  std::vector<float> vector;  // as long as the field's dims
  int k = 10;
  int num_candidates = 0;          // 0: default_num_candidates(k)
  std::vector<std::string> tags;   // pre-filter: at least one of these tags
  std::string exclude_id;          // leave this image out ("more like this" should not find itself)
};

// One vector field's storage. bytes is the whole of it; the parts, where the store can tell them:
// Elasticsearch's from _disk_usage split by _stats/dense_vector, by Lucene file type; the embedded
// store's from its log, its in-memory matrix and its graph.
struct vector_field_storage {
  long long bytes = 0;
  long long raw_bytes = 0;        // the float32 vectors, kept by every type (quantised ones rescore from them)
  long long quantised_bytes = 0;  // int8, int4 or bbq copies: what a quantised search reads
  long long graph_bytes = 0;      // the HNSW graph (none for flat types)
};

struct bulk_item_outcome {
  std::string id;
  int status = 0;
  std::string error;  // empty when stored
};

}  // namespace polylens
