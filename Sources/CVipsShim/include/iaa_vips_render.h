/* iaa_vips_render.h: custom libvips operations for fast full-resolution renders: a 3D colour
 * lookup table on native pixel values, and luma-only sharpen and denoise on native
 * gamma-encoded RGB. Internal to IAAImaging; no stable API. Every function returns 0 on
 * success and -1 on failure with the libvips error buffer set; outputs are new references.
 *
 * All three are per-pixel libvips generate functions (like iaa_edit_lab_pointwise): they read
 * their input once, keep no state between regions, are safe for libvips' worker threads and
 * stream (the neighbourhood operations read a fixed margin around each region), so a render
 * needs neither a random-access decode nor a tile cache. */
#ifndef IAA_VIPS_RENDER_H
#define IAA_VIPS_RENDER_H

#include <vips/vips.h>

/* A lattice of n³ RGB nodes (2 ≤ n ≤ 129) as a 3-band ushort image, n wide and n² high: pixel
 * (x, y) is the node (r, g, b) = (y / n, y % n, x), each coordinate i at the value
 * round(i · 65535 / (n − 1)). Interpretation RGB16, no metadata. */
int iaa_lut3d_lattice(int n, VipsImage **out);

/* Maps the first three bands of `in` (uchar or ushort, ≥ 3 bands; further bands such as
 * alpha are copied unchanged) through the table: `table` holds n³ RGB triples of 16-bit
 * values in the lattice's node order (as read back from a lattice image of that layout),
 * interpolated tetrahedrally. The output has the input's format, bands and metadata; 8-bit
 * outputs are rounded from the 16-bit table values (v / 257). The table is copied. */
int iaa_lut3d_apply(VipsImage *in, const unsigned short *table, int n, VipsImage **out);

/* Unsharp mask on luma, in the image's own gamma-encoded values (uchar or ushort, ≥ 3 bands,
 * further bands copied). Luma Y' = 0.2126 R' + 0.7152 G' + 0.0722 B' scaled to 0…100
 * ("L*-like units": a gamma-encoded value tracks L* closely); the detail d = Y' − blur(Y')
 * (Gaussian `sigma`, truncated at 20 % of its peak like vips_sharpen's mask) goes through
 * vips_sharpen's curve (slope m1 inside ±x1, m2 outside, limited to +y2 / −y3) and is added
 * equally to R', G' and B', so colours keep their chroma. Output: the input's format. */
int iaa_edit_luma_sharpen(VipsImage *in, double sigma, double x1, double m1, double m2, double y2,
                          double y3, VipsImage **out);

/* Edge-preserving denoise on Y'CbCr (BT.709 weights on the image's own gamma-encoded values,
 * uchar or ushort, ≥ 3 bands, further bands copied): Y' moves by amount_l towards its bilateral
 * mean over a (2r + 1)² neighbourhood, r = min(2, the sigma_l kernel's radius), weights
 * exp(−d²/2·sigma_l²) · exp(−(ΔY' / edge)²) with ΔY' in units of 0…100, so flat areas average
 * fully and edges only with their own side; Cb and Cr move towards a Gaussian blur (sigma_ab)
 * by amount_ab. Kernels truncated at 20 % of their peak, as vips_gaussblur's. Output: the
 * input's format. */
int iaa_edit_luma_denoise(VipsImage *in, double sigma_l, double amount_l, double edge,
                          double sigma_ab, double amount_ab, VipsImage **out);

/* Rotation by `degrees` clockwise (y down) about the image centre, cut to the centred
 * `width` × `height` rectangle, bilinear, in one pass: the output pixel centre (x + ½, y + ½)
 * samples the input at centre + R(−degrees) · (x + ½ − width / 2, y + ½ − height / 2).
 * uchar, ushort and float, any number of bands (alpha is interpolated like the others);
 * positions outside the input clamp to its edge. The input needs random access. */
int iaa_edit_rotate_crop_bilinear(VipsImage *in, double degrees, int width, int height, VipsImage **out);

/* The last band (alpha) as 8-bit samples (16-bit ones divided by 257, rounded). */
int iaa_vips_alpha8(VipsImage *in, VipsImage **out);

#endif
