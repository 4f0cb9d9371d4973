// stb_image_resize v1 (deprecated/stb_image_resize.h), for the "naive" column of the image-pipeline bench only.
// v1 and v2 share function names, so v1 lives static in this translation unit behind one wrapper.
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <deprecated/stb_image_resize.h>

#include "naive_resize_v1.h"

void naive_resize_v1_srgb(const unsigned char* in, int in_w, int in_h, unsigned char* out, int out_w, int out_h,
                          int channels) {
  stbir_resize_uint8_srgb(in, in_w, in_h, 0, out, out_w, out_h, 0, channels, STBIR_ALPHA_CHANNEL_NONE, 0);
}
