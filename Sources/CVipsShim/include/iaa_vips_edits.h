/* iaa_vips_edits.h: libvips pipelines for the candidate edits (exposure, white balance, tone,
 * colour, looks, geometry) and the colour management around them.
 * Internal to IAAImaging; no stable API. Every function returns 0 on success and -1 on
 * failure with the libvips error buffer set; outputs are new references the caller unrefs.
 *
 * Working spaces (each function documents its own): scRGB float (linear light, sRGB
 * primaries, D65) for exposure and white balance; CIE Lab float (D65) for tone curves,
 * chroma (LCh's C and h, computed from a* and b*) and split toning. Each function converts its
 * input to the space it needs with vips_colourspace (a no-op when it is already there), so
 * consecutive edits in one space pay no conversion. */
#ifndef IAA_VIPS_EDITS_H
#define IAA_VIPS_EDITS_H

#include <vips/vips.h>

/* Convert to `space` (VIPS_INTERPRETATION_scRGB, _LAB, _LCH, _LABS, _sRGB …), no-op if there. */
int iaa_edit_colourspace(VipsImage *in, VipsInterpretation space, VipsImage **out);

/* Colour-managed import of a full-resolution image (any interpretation, alpha allowed) into
 * scRGB float, 3 bands, alpha dropped. With an embedded ICC profile (or CMYK): lcms import to
 * XYZ (PCS XYZ keeps neutrals neutral; the Lab PCS path in libvips 8.14 tints white by
 * ~0.5 a/b), then XYZ → scRGB. Without: libvips' own conversion, assuming sRGB. */
int iaa_edit_import(VipsImage *in, VipsImage **out);

/* The inverse of iaa_edit_import for the file `like` (the geometry-transformed original, which
 * provides ICC profile, depth and alpha): scRGB → Lab → lcms export into `like`'s ICC profile
 * at `like`'s depth (8 or 16 bits); without a profile, → sRGB (8-bit) or RGB16 and libvips'
 * built-in sRGB profile is attached. `like`'s alpha band is appended back. */
int iaa_edit_export(VipsImage *scrgb, VipsImage *like, VipsImage **out);

/* Proxy round trip: 8-bit sRGB (3 bands) → scRGB float, and back to 8-bit sRGB. */
int iaa_edit_srgb8_to_scrgb(VipsImage *in, VipsImage **out);
int iaa_edit_to_srgb8(VipsImage *in, VipsImage **out);

/* Exposure: every linear channel x becomes gain·x / (1 + protect·(gain − 1)·x) (gain = 2^EV).
 * protect 0 is a plain gain (brightening clips above white, darkening turns white grey);
 * protect 1 keeps white at white with a smooth shoulder, as a curve would. Works in scRGB. */
int iaa_edit_exposure(VipsImage *in, double gain, double protect, VipsImage **out);

/* 3×3 matrix (row-major) on the linear channels: out = M · rgb. Works in scRGB. */
int iaa_edit_recomb3(VipsImage *in, const double *matrix9, VipsImage **out);

/* Tone curve on L* with vips_maplut: L' = lut[round(L · (n − 1) / l_max)], L clamped to
 * [0, l_max] (n must be 65536: the ushort index clamps for free); a*, b* unchanged. Lab. */
int iaa_edit_tone_lut(VipsImage *in, const float *lut, int n, double l_max, VipsImage **out);

/* One pass over Lab float, per pixel, in this order (each part optional):
 *  1. tone curve on L*: L = lut_l[round(L · 65535 / l_max)] (index clamped), a*, b* kept;
 *  2. chroma at constant L* and hue (LCh's C and h, from a*, b* directly):
 *     (a, b) · (gain + vib · wc(C) · wh(cos(h − skin_hue))), wc over C in [0, c_max], wh over
 *     cos + 1 in [0, 2]; applied when `chroma` is non-zero (wc, wh needed only if vib ≠ 0);
 *  3. split toning: a += da[L], b += db[L] (LUTs over the new L in [0, l_max]).
 * Every LUT has 65536 entries (copied; the caller keeps ownership). NULL skips a part. */
int iaa_edit_lab_pointwise(VipsImage *in, const float *lut_l, double l_max, int chroma, double gain,
                           double vib, const float *wc, double c_max, const float *wh,
                           double skin_hue, const float *da, const float *db, VipsImage **out);

/* Denoise and sharpen work on gamma-encoded RGB: see iaa_vips_render.h. */

/* Rotate by `degrees` clockwise (libvips' convention, y down), bilinear, then take the
 * centred axis-aligned rectangle of `width` × `height`. */
int iaa_edit_rotate_crop(VipsImage *in, double degrees, int width, int height, VipsImage **out);

/* Materialise every pixel in memory (so that the result can be cached and reused). */
int iaa_edit_copy_memory(VipsImage *in, VipsImage **out);

/* libvips' built-in sRGB ICC profile bytes (borrowed; valid for the process lifetime). */
const void *iaa_edit_srgb_profile(size_t *len);

#endif
