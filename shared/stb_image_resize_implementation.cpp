// The translation unit that instantiates stb_image_resize2. It has its own so that the web build can
// compile it with WebAssembly SIMD (shared/CMakeLists.txt): stb_image_resize2 has SIMD paths for it.
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize2.h>
