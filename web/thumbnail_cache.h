// Thumbnails by image id. Bytes arrive over HTTP and are decoded at once (shared's image_decode); the GL upload
// happens later, between frames, so network callbacks never touch GL. The UI only ever holds a texture id.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "image_preprocess.h"

namespace polylens::web {

enum class thumbnail_status { loading, decoded, ready, failed };

struct thumbnail {
  thumbnail_status status = thumbnail_status::loading;
  unsigned texture = 0;  // GL texture name once ready
  int width = 0, height = 0;
  rgb_image pixels;      // decoded, waiting for upload; emptied after
  std::string error;     // why it failed
};

struct thumbnail_cache {
  std::unordered_map<std::string, thumbnail> entries;
};

// Starts the download unless the id is already known (loading, ready or failed).
void thumbnail_cache_request(thumbnail_cache& cache, const std::string& image_id);
// Uploads decoded thumbnails to GL textures. Call between frames, with the GL context current.
void thumbnail_cache_upload_decoded(thumbnail_cache& cache);
const thumbnail* thumbnail_cache_find(const thumbnail_cache& cache, const std::string& image_id);
// A picture made here rather than downloaded (the query image's preview), under a key that is not an image
// id; uploaded with the thumbnails. Forget deletes its texture: call between frames.
void thumbnail_cache_put(thumbnail_cache& cache, const std::string& key, rgb_image pixels);
void thumbnail_cache_forget(thumbnail_cache& cache, const std::string& key);

}  // namespace polylens::web
