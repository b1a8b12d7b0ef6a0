/* iaa_vips.c: thin, non-variadic wrappers over libvips. See iaa_vips.h. */
#include "iaa_vips.h"
#include <string.h>

static void iaa_quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                          gpointer user_data) {
    /* libvips reports recoverable decode problems as GLib warnings on stderr. The strict
     * loaders (fail_on) turn the ones that matter into errors, so the rest is noise to a user. */
    (void)domain; (void)level; (void)message; (void)user_data;
}

int iaa_vips_init(const char *argv0) {
    if (VIPS_INIT(argv0 ? argv0 : "iaa-enhance") != 0) return -1;
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
                      iaa_quiet_log, NULL);
    g_log_set_handler("GLib-GObject", G_LOG_LEVEL_WARNING, iaa_quiet_log, NULL);
    /* Operation caching is for long-running interactive use; a batch tool only pays memory. */
    vips_cache_set_max(0);
    return 0;
}

char *iaa_vips_error_take(void) {
    char *text = g_strdup(vips_error_buffer());
    vips_error_clear();
    return text;
}

static VipsFailOn fail_level(int fail_on) {
    switch (fail_on) {
    case 1: return VIPS_FAIL_ON_TRUNCATED;
    case 2: return VIPS_FAIL_ON_ERROR;
    case 3: return VIPS_FAIL_ON_WARNING;
    default: return VIPS_FAIL_ON_NONE;
    }
}

int iaa_vips_header(const char *path, VipsImage **out) {
    *out = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return *out ? 0 : -1;
}

int iaa_vips_open(const char *path, int fail_on, int sequential, VipsImage **out) {
    *out = vips_image_new_from_file(path, "fail_on", fail_level(fail_on), "access",
                                    sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM, NULL);
    return *out ? 0 : -1;
}

int iaa_vips_open_buffer(const void *buf, size_t len, int fail_on, VipsImage **out) {
    *out = vips_image_new_from_buffer(buf, len, "", "fail_on", fail_level(fail_on), NULL);
    return *out ? 0 : -1;
}

int iaa_vips_proxy(const char *path, int kind, int width, int height, int long_side, int fail_on,
                   VipsImage **out) {
    VipsImage *t[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    int result = -1;
    int longest = width > height ? width : height;
    double factor = (double)longest / (double)long_side;
    if (kind == 1 && factor >= 2.0) {
        int shrink = factor >= 8.0 ? 8 : factor >= 4.0 ? 4 : 2;
        t[0] = vips_image_new_from_file(path, "fail_on", fail_level(fail_on), "access",
                                        VIPS_ACCESS_SEQUENTIAL, "shrink", shrink, NULL);
    } else if (kind == 2 && factor > 1.0) {
        t[0] = vips_image_new_from_file(path, "fail_on", fail_level(fail_on), "access",
                                        VIPS_ACCESS_SEQUENTIAL, "scale", 1.0 / factor, NULL);
    } else {
        t[0] = vips_image_new_from_file(path, "fail_on", fail_level(fail_on), "access",
                                        VIPS_ACCESS_SEQUENTIAL, NULL);
    }
    if (!t[0]) goto done;
    if (iaa_vips_to_srgb8_flat(t[0], 255, 255, 255, &t[1])) goto done;
    {
        int w = t[1]->Xsize, h = t[1]->Ysize;
        int now = w > h ? w : h;
        if (now > long_side) {
            if (vips_resize(t[1], &t[2], (double)long_side / (double)now, NULL)) goto done;
        } else {
            t[2] = t[1]; g_object_ref(t[2]);
        }
    }
    /* Compute now: a truncated or corrupt file fails here rather than later, and the rotation
     * below works on a small in-memory image instead of a sequential stream. */
    if (!(t[3] = vips_image_copy_memory(t[2]))) goto done;
    if (vips_autorot(t[3], &t[4], NULL)) goto done;
    if (!(t[5] = vips_image_copy_memory(t[4]))) goto done;
    *out = t[5]; t[5] = NULL;
    result = 0;
done:
    for (int i = 0; i < 6; i++) if (t[i]) g_object_unref(t[i]);
    return result;
}

int iaa_vips_region(const char *path, int left, int top, int width, int height, int fail_on, VipsImage **out) {
    VipsImage *t[4] = {NULL, NULL, NULL, NULL};
    int result = -1;
    if (!(t[0] = vips_image_new_from_file(path, "fail_on", fail_level(fail_on), "access",
                                          VIPS_ACCESS_SEQUENTIAL, NULL))) goto done;
    if (vips_extract_area(t[0], &t[1], left, top, width, height, NULL)) goto done;
    if (iaa_vips_to_srgb8_flat(t[1], 255, 255, 255, &t[2])) goto done;
    if (!(t[3] = vips_image_copy_memory(t[2]))) goto done;
    *out = t[3]; t[3] = NULL;
    result = 0;
done:
    for (int i = 0; i < 4; i++) if (t[i]) g_object_unref(t[i]);
    return result;
}

int iaa_vips_autorot(VipsImage *in, VipsImage **out) { return vips_autorot(in, out, NULL); }

int iaa_vips_icc_to_srgb(VipsImage *in, int depth, VipsImage **out) {
    if (vips_image_get_typeof(in, VIPS_META_ICC_NAME) ||
        in->Type == VIPS_INTERPRETATION_CMYK) {
        return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent",
                                  VIPS_INTENT_RELATIVE, "depth", depth, NULL);
    }
    return vips_copy(in, out, NULL);
}

int iaa_vips_to_srgb8_flat(VipsImage *in, double r, double g, double b, VipsImage **out) {
    VipsImage *t[4] = {NULL, NULL, NULL, NULL};
    int result = -1;
    VipsImage *cur = in;
    g_object_ref(cur);
    /* 1. colour-manage through the embedded profile (CMYK without one: built-in profile). */
    if (vips_image_get_typeof(cur, VIPS_META_ICC_NAME) || cur->Type == VIPS_INTERPRETATION_CMYK) {
        if (vips_icc_transform(cur, &t[0], "srgb", "embedded", TRUE, "intent",
                               VIPS_INTENT_RELATIVE, "depth", 8, NULL)) goto done;
        g_object_unref(cur); cur = t[0]; t[0] = NULL;
    }
    /* 2. any other interpretation (grey, 16-bit, Lab...) to 8-bit sRGB. */
    if (vips_colourspace(cur, &t[1], VIPS_INTERPRETATION_sRGB, NULL)) goto done;
    g_object_unref(cur); cur = t[1]; t[1] = NULL;
    /* 3. flatten alpha onto the background. */
    if (vips_image_hasalpha(cur)) {
        double bg[3] = {r, g, b};
        VipsArrayDouble *background = vips_array_double_new(bg, 3);
        int failed = vips_flatten(cur, &t[2], "background", background, NULL);
        vips_area_unref(VIPS_AREA(background));
        if (failed) goto done;
        g_object_unref(cur); cur = t[2]; t[2] = NULL;
    }
    if (cur->Bands > 3) {
        if (vips_extract_band(cur, &t[3], 0, "n", 3, NULL)) goto done;
        g_object_unref(cur); cur = t[3]; t[3] = NULL;
    }
    if (cur->BandFmt != VIPS_FORMAT_UCHAR) {
        VipsImage *c = NULL;
        if (vips_cast(cur, &c, VIPS_FORMAT_UCHAR, NULL)) goto done;
        g_object_unref(cur); cur = c;
    }
    *out = cur; cur = NULL;
    result = 0;
done:
    if (cur) g_object_unref(cur);
    for (int i = 0; i < 4; i++) if (t[i]) g_object_unref(t[i]);
    return result;
}

int iaa_vips_colourspace(VipsImage *in, VipsInterpretation space, VipsImage **out) {
    return vips_colourspace(in, out, space, NULL);
}
int iaa_vips_cast(VipsImage *in, VipsBandFormat fmt, VipsImage **out) {
    return vips_cast(in, out, fmt, NULL);
}
int iaa_vips_resize(VipsImage *in, double scale, VipsImage **out) {
    return vips_resize(in, out, scale, NULL);
}
int iaa_vips_extract_area(VipsImage *in, int left, int top, int width, int height, VipsImage **out) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}
int iaa_vips_black(int width, int height, int bands, VipsImage **out) {
    return vips_black(out, width, height, "bands", bands, NULL);
}
int iaa_vips_new_from_memory_copy(const void *data, size_t size, int width, int height, int bands,
                                  VipsBandFormat fmt, VipsImage **out) {
    *out = vips_image_new_from_memory_copy(data, size, width, height, bands, fmt);
    return *out ? 0 : -1;
}

int iaa_vips_jpegsave(VipsImage *in, const char *path, int quality, int subsample_mode,
                      int progressive, int keep_metadata) {
    return vips_jpegsave(in, path, "Q", quality, "subsample_mode", (VipsForeignSubsample)subsample_mode,
                         "interlace", progressive ? TRUE : FALSE, "strip", keep_metadata ? FALSE : TRUE,
                         NULL);
}
int iaa_vips_pngsave(VipsImage *in, const char *path, int compression, int keep_metadata) {
    return vips_pngsave(in, path, "compression", compression, "strip", keep_metadata ? FALSE : TRUE, NULL);
}
int iaa_vips_webpsave(VipsImage *in, const char *path, int quality, int lossless, int keep_metadata) {
    return vips_webpsave(in, path, "Q", quality, "lossless", lossless ? TRUE : FALSE,
                         "strip", keep_metadata ? FALSE : TRUE, NULL);
}
int iaa_vips_tiffsave(VipsImage *in, const char *path, int keep_metadata) {
    return vips_tiffsave(in, path, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE,
                         "predictor", VIPS_FOREIGN_TIFF_PREDICTOR_HORIZONTAL,
                         "strip", keep_metadata ? FALSE : TRUE, NULL);
}

void *iaa_vips_write_to_memory(VipsImage *in, size_t *size) {
    return vips_image_write_to_memory(in, size);
}
int iaa_vips_avg(VipsImage *in, double *out) { return vips_avg(in, out, NULL); }

int iaa_vips_get_int(VipsImage *in, const char *name, int *out) {
    if (!vips_image_get_typeof(in, name)) return -1;
    return vips_image_get_int(in, name, out);
}
int iaa_vips_get_string(VipsImage *in, const char *name, const char **out) {
    if (!vips_image_get_typeof(in, name)) return -1;
    return vips_image_get_string(in, name, out);
}
const void *iaa_vips_get_blob(VipsImage *in, const char *name, size_t *len) {
    const void *data = NULL;
    *len = 0;
    if (!vips_image_get_typeof(in, name)) return NULL;
    if (vips_image_get_blob(in, name, &data, len)) { vips_error_clear(); return NULL; }
    return data;
}
void iaa_vips_set_blob_copy(VipsImage *in, const char *name, const void *data, size_t len) {
    vips_image_set_blob_copy(in, name, data, len);
}
void iaa_vips_set_int(VipsImage *in, const char *name, int value) {
    vips_image_set_int(in, name, value);
}
int iaa_vips_remove(VipsImage *in, const char *name) { return vips_image_remove(in, name) ? 0 : -1; }
char **iaa_vips_fields(VipsImage *in) { return vips_image_get_fields(in); }
void iaa_vips_unref(VipsImage *in) { if (in) g_object_unref(in); }
void iaa_vips_set_concurrency(int n) { vips_concurrency_set(n); }

int iaa_vips_copy(VipsImage *in, VipsImage **out) { return vips_copy(in, out, NULL); }
int iaa_vips_flatten_bg(VipsImage *in, VipsArrayDouble *background, VipsImage **out) {
    return vips_flatten(in, out, "background", background, NULL);
}

int iaa_vips_save_buffer(VipsImage *in, const char *suffix, int quality, void **buf, size_t *len) {
    char opts[64];
    if (strcmp(suffix, ".jpg") == 0 || strcmp(suffix, ".webp") == 0)
        g_snprintf(opts, sizeof(opts), "%s[Q=%d]", suffix, quality);
    else
        g_snprintf(opts, sizeof(opts), "%s", suffix);
    return vips_image_write_to_buffer(in, opts, buf, len, NULL);
}
int iaa_vips_rotate(VipsImage *in, double degrees, VipsImage **out) {
    return vips_rotate(in, out, degrees, NULL);
}
int iaa_vips_gaussblur(VipsImage *in, double sigma, VipsImage **out) {
    return vips_gaussblur(in, out, sigma, NULL);
}
