#pragma once
// stb_image_resize v1's sRGB resize (Mitchell when shrinking), as a naive port would call it.
void naive_resize_v1_srgb(const unsigned char* in, int in_w, int in_h, unsigned char* out, int out_w, int out_h,
                          int channels);
