// The messages of the Polylens HTTP API (/api/v1), shared by the proxy that answers them and the
// web client that sends them. Parsing is strict and every rejection names the field.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "match_thresholds.h"
#include "result.h"

namespace polylens {

// POST /api/v1/search
struct search_request {
  std::string text;          // exactly one of text, image and id
  std::string image_base64;  // JPEG, PNG, GIF or BMP bytes, base64 (no data: prefix)
  std::string id;            // an indexed image: "more like this"
  int k = 0;                 // 0 means "the default"
  int dims = 0;              // 0 means "the largest configured field"
  int num_candidates = 0;    // 0 means "enough for k"
  std::vector<std::string> tags;  // only images with at least one of these tags
  // Also answer with the query's vector and each hit's stored vector (at the searched field's dims): what a
  // client needs to refine the query itself (Rocchio in the browser) and search again through /api/v1/knn.
  bool return_vectors = false;
  // Only the query's vector (about 13.5 KB of JSON at 1024 dims), no hit vectors and no extra store request:
  // what the page asks for on every search, so that refine by example can fetch the hits' vectors later, through
  // /api/v1/knn with this vector, and only once something is marked.
  bool return_query_vector = false;
};
result<search_request> search_request_parse(std::string_view body);
std::string search_request_to_json(const search_request& request);

// POST /api/v1/embed
struct embed_request {
  struct item {
    bool is_image = false;
    std::string value;  // the text, or the image as base64
  };
  std::vector<item> inputs;
  int dims = 0;       // 0 means 1024
  bool query = true;  // task "query" (retrieval.query) or "document"
};
result<embed_request> embed_request_parse(std::string_view body, std::size_t max_inputs);

// POST /api/v1/knn
struct knn_request {
  std::vector<float> vector;
  int k = 0;
  int num_candidates = 0;
  int dims = 0;  // 0 means the vector's length
  std::vector<std::string> tags;
  bool return_vectors = false;  // as in search_request: the query's vector back, and each hit's
};
result<knn_request> knn_request_parse(std::string_view body);
std::string knn_request_to_json(const knn_request& request);

// POST /api/v1/images (admin)
struct image_upload {
  std::string image_base64;
  std::string title, caption, source, licence, credit;
  std::vector<std::string> tags;
  // For a client that shrinks images before sending them (the browser): what the original was, so the
  // document gets the id the indexer would give the file and the original's size. Empty / 0: from
  // the upload itself.
  std::string id;    // content_hash() of the original file's bytes
  std::string file;  // the original's file name (a relative path inside a dropped folder)
  int original_width = 0, original_height = 0;  // both or neither
};
result<std::vector<image_upload>> images_request_parse(std::string_view body, std::size_t max_images);
std::string images_request_to_json(const std::vector<image_upload>& images);

enum class image_item_status { created, exists, failed };
const char* image_item_status_name(image_item_status status);

// One slot of the answer per uploaded image, in order. A failed item has an error, and no id when it
// failed before it was hashed (not base64, not an image).
struct image_item_outcome {
  std::size_t index = 0;
  image_item_status status = image_item_status::failed;
  std::string id;
  std::string error_type;  // error_type_name() of what went wrong, for failed items
  std::string error_message;
};
struct images_response {
  std::vector<image_item_outcome> items;
  int tokens = 0;
};
std::string images_response_to_json(const images_response& response);
result<images_response> images_response_parse(std::string_view body);

// The number of kNN candidates per shard when the caller leaves it to us: enough for HNSW to find
// the true top k on collections of this size, within Elasticsearch's cap of 10000.
int default_num_candidates(int k);

// Who produced the vectors. stand_in is true when the embedder announced itself as a test double:
// the UI and the logs must then say that results do not come from the real model.
struct embedder_info {
  std::string model;
  std::string label;
  bool stand_in = false;
};

struct search_hit {
  std::string id;
  float score = 0;  // cosine similarity in [-1, 1]
  std::string title;
  std::vector<std::string> tags;
  std::string credit;  // attribution line that must be shown with the image (CC BY), or empty
  std::string caption;
  int width = 0, height = 0;  // of the original image, in pixels (0: not known)
  bool strong = true;  // at or above the threshold for the query's modality (match_thresholds.h)
  std::vector<float> vector;  // its stored vector, when the request asked for vectors (else empty)
};

struct search_timing {
  double embed_ms = 0;
  double knn_ms = 0;
  double total_ms = 0;
};

struct search_response {
  std::vector<search_hit> hits;
  search_timing took_ms;
  embedder_info embedder;
  int dims = 0;
  int tokens = 0;  // billed by the embedder for this query
  bool cached = false;  // the query's embedding came from the proxy's cache (no embed call)
  // How strong and weak hits were told apart: the query's modality and the threshold used for it
  // (none when nothing is calibrated for this embedder), with where that number comes from.
  query_modality modality = query_modality::text;
  std::optional<float> threshold;
  std::string threshold_source;
  std::vector<float> query_vector;  // the vector searched with, when the request asked for it (else empty)
};
std::string search_response_to_json(const search_response& response);
result<search_response> search_response_parse(std::string_view body);

// GET /healthz
struct health_report {
  bool ok = false;
  embedder_info embedder;
  std::string embedder_url;
  std::string backend;  // "elasticsearch"
  std::string backend_version;
  bool backend_reachable = false;
  std::string index;
  long long doc_count = -1;
  std::vector<int> dims;
  int max_batch_size = 0;  // inputs per /api/v1/embed call, images per /api/v1/images call (0: not said)
};
std::string health_report_to_json(const health_report& report);
result<health_report> health_report_parse(std::string_view body);

}  // namespace polylens
