#include "thumbnail_cache.h"

#include <GLES3/gl3.h>

#include "api_client.h"
#include "gl_texture.h"

namespace polylens::web {

void thumbnail_cache_request(thumbnail_cache& cache, const std::string& image_id) {
  if (!cache.entries.try_emplace(image_id).second) return;
  // The cache lives as long as the page (it is part of the one app object), so capturing it is safe.
  api_get_thumbnail(image_id, [&cache, image_id](api_outcome<std::string> outcome) {
    thumbnail& entry = cache.entries[image_id];
    if (!outcome.ok()) {
      entry.status = thumbnail_status::failed;
      entry.error = outcome.failure.message;
      return;
    }
    auto decoded = image_decode(*outcome.value);
    if (!decoded) {
      entry.status = thumbnail_status::failed;
      entry.error = decoded.error().message;
      return;
    }
    entry.pixels = std::move(decoded.value());
    entry.status = thumbnail_status::decoded;
  });
}

void thumbnail_cache_upload_decoded(thumbnail_cache& cache) {
  for (auto& [id, entry] : cache.entries) {
    if (entry.status != thumbnail_status::decoded) continue;
    GLuint texture = gl_texture_new();
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // RGB rows are width * 3 bytes, not 4-aligned
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, entry.pixels.width, entry.pixels.height, 0, GL_RGB, GL_UNSIGNED_BYTE,
                 entry.pixels.pixels.data());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    entry.texture = texture;
    entry.width = entry.pixels.width;
    entry.height = entry.pixels.height;
    entry.pixels = {};
    entry.status = thumbnail_status::ready;
  }
}

const thumbnail* thumbnail_cache_find(const thumbnail_cache& cache, const std::string& image_id) {
  auto it = cache.entries.find(image_id);
  return it == cache.entries.end() ? nullptr : &it->second;
}

void thumbnail_cache_put(thumbnail_cache& cache, const std::string& key, rgb_image pixels) {
  thumbnail_cache_forget(cache, key);
  thumbnail& entry = cache.entries[key];
  entry.pixels = std::move(pixels);
  entry.status = thumbnail_status::decoded;
}

void thumbnail_cache_forget(thumbnail_cache& cache, const std::string& key) {
  auto it = cache.entries.find(key);
  if (it == cache.entries.end()) return;
  if (it->second.texture != 0) glDeleteTextures(1, &it->second.texture);
  cache.entries.erase(it);
}

}  // namespace polylens::web
