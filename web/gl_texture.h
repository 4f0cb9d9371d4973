// One place that creates the client's textures (thumbnails, browser-drawn text).
#pragma once

namespace polylens::web {

// A new 2D texture, bound, with linear filtering and edges clamped. Both users draw it at or near
// 1:1 on device pixels, so linear filtering samples texel centres and keeps the source's antialiasing.
unsigned gl_texture_new();

}  // namespace polylens::web
