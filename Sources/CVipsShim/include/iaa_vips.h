/* iaa_vips.h: the few libvips calls Swift cannot make directly (variadic functions, macros).
 * Internal to IAAImaging; no stable API. Every function returns 0 on success and -1 on failure,
 * leaving the libvips error buffer set (read and clear it with iaa_vips_error_take). */
#ifndef IAA_VIPS_H
#define IAA_VIPS_H

#include <vips/vips.h>

/* Start libvips once per process; silences libvips' own warnings on stderr (they are
 * collected instead and surfaced as errors where strict decoding asks for it). */
int iaa_vips_init(const char *argv0);
/* Copy and clear the libvips error buffer; caller frees with g_free. */
char *iaa_vips_error_take(void);

/* Header-only open: format loader name, size, bands; no pixel decode. */
int iaa_vips_header(const char *path, VipsImage **out);
/* Open for full decode. fail_on: 0 none, 1 truncated, 2 error, 3 warning. */
int iaa_vips_open(const char *path, int fail_on, int sequential, VipsImage **out);
/* Open from memory (the buffer must outlive the image). */
int iaa_vips_open_buffer(const void *buf, size_t len, int fail_on, VipsImage **out);
/* Analysis proxy: decode with shrink-on-load (JPEG shrink 1/2/4/8, WebP scale) so that the
 * long side stays >= long_side, colour-manage to 8-bit sRGB through the embedded profile
 * (relative intent, like every other CMS default), flatten alpha onto white, resize to exactly
 * long_side (Lanczos3; never upsizes), compute into memory (strict: decode errors surface here),
 * then turn upright by the EXIF orientation. kind: 1 JPEG, 2 WebP, 0 other. */
int iaa_vips_proxy(const char *path, int kind, int width, int height, int long_side, int fail_on,
                   VipsImage **out);

int iaa_vips_autorot(VipsImage *in, VipsImage **out);
/* Convert to 8-bit sRGB with alpha flattened onto (r,g,b). Imports through the embedded ICC
 * profile when there is one (CMYK falls back to libvips' built-in profile). */
/* A full-resolution window of the file as it is stored (no EXIF rotation): `width` × `height`
 * pixels at (`left`, `top`), decoded sequentially (only the rows down to the window's bottom
 * are read), converted to 8-bit sRGB with alpha flattened on white, in memory. */
int iaa_vips_region(const char *path, int left, int top, int width, int height, int fail_on, VipsImage **out);

int iaa_vips_to_srgb8_flat(VipsImage *in, double r, double g, double b, VipsImage **out);
/* Transform through the embedded ICC profile into sRGB, keeping alpha, at the given depth. */
int iaa_vips_icc_to_srgb(VipsImage *in, int depth, VipsImage **out);
int iaa_vips_colourspace(VipsImage *in, VipsInterpretation space, VipsImage **out);
int iaa_vips_cast(VipsImage *in, VipsBandFormat fmt, VipsImage **out);
int iaa_vips_resize(VipsImage *in, double scale, VipsImage **out);
int iaa_vips_extract_area(VipsImage *in, int left, int top, int width, int height, VipsImage **out);
int iaa_vips_black(int width, int height, int bands, VipsImage **out);
int iaa_vips_new_from_memory_copy(const void *data, size_t size, int width, int height, int bands,
                                  VipsBandFormat fmt, VipsImage **out);

/* Savers. keep_metadata: 1 keeps EXIF/XMP/IPTC/ICC as attached to the image, 0 strips. */
int iaa_vips_jpegsave(VipsImage *in, const char *path, int quality, int subsample_mode,
                      int progressive, int keep_metadata);
int iaa_vips_pngsave(VipsImage *in, const char *path, int compression, int keep_metadata);
int iaa_vips_webpsave(VipsImage *in, const char *path, int quality, int lossless, int keep_metadata);
int iaa_vips_tiffsave(VipsImage *in, const char *path, int keep_metadata);

/* Compute every pixel into a freshly allocated buffer (g_free it). Forces decode errors out. */
void *iaa_vips_write_to_memory(VipsImage *in, size_t *size);
/* Force a full decode without keeping pixels (for validation): average of all pixels. */
int iaa_vips_avg(VipsImage *in, double *out);

/* Metadata helpers. */
int iaa_vips_get_int(VipsImage *in, const char *name, int *out);
int iaa_vips_get_string(VipsImage *in, const char *name, const char **out);
const void *iaa_vips_get_blob(VipsImage *in, const char *name, size_t *len);
void iaa_vips_set_blob_copy(VipsImage *in, const char *name, const void *data, size_t len);
void iaa_vips_set_int(VipsImage *in, const char *name, int value);
int iaa_vips_remove(VipsImage *in, const char *name);
/* The names of all metadata fields, as a NULL-terminated array (g_strfreev it). */
char **iaa_vips_fields(VipsImage *in);
void iaa_vips_unref(VipsImage *in);
/* Pixel limit for decompression-bomb protection is enforced in Swift from the header. */
/* Concurrency for libvips' own worker threads. */
void iaa_vips_set_concurrency(int n);

int iaa_vips_copy(VipsImage *in, VipsImage **out);
int iaa_vips_flatten_bg(VipsImage *in, VipsArrayDouble *background, VipsImage **out);
/* Encode to a freshly allocated buffer (g_free it). format: "jpg", "png", "webp", "tif". */
int iaa_vips_save_buffer(VipsImage *in, const char *suffix, int quality, void **buf, size_t *len);
int iaa_vips_rotate(VipsImage *in, double degrees, VipsImage **out);
int iaa_vips_gaussblur(VipsImage *in, double sigma, VipsImage **out);

#endif
