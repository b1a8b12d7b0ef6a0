/* iaa_vips_edits.c: libvips pipelines for the candidate edits. See iaa_vips_edits.h.
 *
 * Each function builds its intermediates in a local array owned by a throwaway context
 * object, so every early return releases them; the result is referenced before the context
 * goes. */
#include "iaa_vips_edits.h"
#include <math.h>
#include <string.h>

/* A throwaway parent for vips_object_local_array. */
static VipsObject *ctx_new(void) { return VIPS_OBJECT(vips_image_new()); }

static int finish(VipsObject *ctx, VipsImage *result, VipsImage **out) {
    g_object_ref(result);
    *out = result;
    g_object_unref(ctx);
    return 0;
}

static int fail(VipsObject *ctx) {
    g_object_unref(ctx);
    return -1;
}

/* libvips recomputes a node for every consumer that reads it: in a graph that fans out (Lab
 * feeding L, a, b and a blur feeding a gradient and a blend) the colour conversion and the
 * blur would run several times over, and chained edits multiply that. Small images
 * (proxies) are therefore computed into memory at each fan-out point. Large ones
 * (full-resolution renders, run once) are recomputed per consumer: caching them costs more
 * than it saves (a line cache measured 1.4 GB and barely faster on a 14 MP render); what
 * matters there is a source with random access, so that recomputation does not re-decode
 * (see Photo.pictureForEditing). */
#define IAA_EDIT_MEMORY_PIXELS (4 * 1024 * 1024)

/* *out is a new reference (the caller's local array owns it). */
static int fanout(VipsObject *ctx, VipsImage *in, VipsImage **out) {
    (void)ctx;
    if ((gint64)in->Xsize * in->Ysize <= IAA_EDIT_MEMORY_PIXELS) {
        *out = vips_image_copy_memory(in);
        return *out ? 0 : -1;
    }
    g_object_ref(in);
    *out = in;
    return 0;
}

/* A 1×n one-band float image holding a LUT. */
static VipsImage *lut_image(const float *lut, int n) {
    return vips_image_new_from_memory_copy(lut, (size_t)n * sizeof(float), n, 1, 1, VIPS_FORMAT_FLOAT);
}

/* Band `band` of `in` mapped through a 65536-entry float LUT over [0, max]. The index is
 * round(v · 65535 / max), clipped to 0…65535 by the cast to ushort. */
static int map_band(VipsObject *ctx, VipsImage *in, int band, const float *lut, int n, double max,
                    VipsImage **out) {
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
    if (n != 65536) { vips_error("iaa_edit", "LUT must have 65536 entries, not %d", n); return -1; }
    if (vips_extract_band(in, &t[0], band, NULL)) return -1;
    if (vips_linear1(t[0], &t[1], (n - 1) / max, 0.5, NULL)) return -1;
    if (vips_cast(t[1], &t[2], VIPS_FORMAT_USHORT, NULL)) return -1;
    if (!(t[3] = lut_image(lut, n))) return -1;
    return vips_maplut(t[2], out, t[3], NULL);
}

int iaa_edit_colourspace(VipsImage *in, VipsInterpretation space, VipsImage **out) {
    return vips_colourspace(in, out, space, NULL);
}

int iaa_edit_import(VipsImage *in, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
    VipsImage *cur = in;
    if (vips_image_hasalpha(cur)) {
        if (vips_extract_band(cur, &t[0], 0, "n", cur->Bands - 1, NULL)) return fail(ctx);
        cur = t[0];
    }
    if (vips_image_get_typeof(cur, VIPS_META_ICC_NAME) || cur->Type == VIPS_INTERPRETATION_CMYK) {
        if (vips_icc_import(cur, &t[1], "embedded", TRUE, "pcs", VIPS_PCS_XYZ,
                            "intent", VIPS_INTENT_RELATIVE, NULL)) return fail(ctx);
        cur = t[1];
    }
    if (vips_colourspace(cur, &t[2], VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    cur = t[2];
    if (cur->Bands > 3) {
        if (vips_extract_band(cur, &t[3], 0, "n", 3, NULL)) return fail(ctx);
        cur = t[3];
    }
    return finish(ctx, cur, out);
}

const void *iaa_edit_srgb_profile(size_t *len) {
    static VipsBlob *blob = NULL;
    static GMutex lock;
    g_mutex_lock(&lock);
    if (!blob && vips_profile_load("srgb", &blob, NULL)) blob = NULL;
    g_mutex_unlock(&lock);
    if (!blob) { *len = 0; return NULL; }
    return vips_blob_get(blob, len);
}

int iaa_edit_export(VipsImage *scrgb, VipsImage *like, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 8);
    VipsImage *cur = scrgb;
    gboolean deep = like->BandFmt == VIPS_FORMAT_USHORT || like->BandFmt == VIPS_FORMAT_SHORT ||
                    like->Type == VIPS_INTERPRETATION_RGB16 || like->Type == VIPS_INTERPRETATION_GREY16;
    gboolean has_icc = vips_image_get_typeof(like, VIPS_META_ICC_NAME) != 0;
    if (has_icc || like->Type == VIPS_INTERPRETATION_CMYK) {
        if (vips_colourspace(cur, &t[0], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
        if (vips_copy(t[0], &t[1], NULL)) return fail(ctx);
        cur = t[1];
        if (has_icc) {
            const void *data = NULL;
            size_t len = 0;
            if (vips_image_get_blob(like, VIPS_META_ICC_NAME, &data, &len)) return fail(ctx);
            vips_image_set_blob_copy(cur, VIPS_META_ICC_NAME, data, len);
            /* icc_export takes the embedded profile when no output profile is named. */
            if (vips_icc_export(cur, &t[2], "depth", deep ? 16 : 8, "intent", VIPS_INTENT_RELATIVE,
                                NULL)) return fail(ctx);
        } else {
            vips_image_remove(cur, VIPS_META_ICC_NAME);
            if (vips_icc_export(cur, &t[2], "output_profile", "cmyk", "depth", deep ? 16 : 8,
                                "intent", VIPS_INTENT_RELATIVE, NULL)) return fail(ctx);
        }
        cur = t[2];
    } else {
        size_t len = 0;
        const void *srgb = iaa_edit_srgb_profile(&len);
        if (vips_colourspace(cur, &t[2], deep ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_sRGB,
                             NULL)) return fail(ctx);
        if (vips_cast(t[2], &t[3], deep ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR, NULL)) return fail(ctx);
        cur = t[3];
        if (srgb) vips_image_set_blob_copy(cur, VIPS_META_ICC_NAME, srgb, len);
    }
    if (vips_image_hasalpha(like)) {
        if (vips_extract_band(like, &t[4], like->Bands - 1, NULL)) return fail(ctx);
        if (vips_cast(t[4], &t[5], cur->BandFmt, NULL)) return fail(ctx);
        if (vips_bandjoin2(cur, t[5], &t[6], NULL)) return fail(ctx);
        cur = t[6];
    }
    return finish(ctx, cur, out);
}

int iaa_edit_srgb8_to_scrgb(VipsImage *in, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
    if (vips_copy(in, &t[0], "interpretation", VIPS_INTERPRETATION_sRGB, NULL)) return fail(ctx);
    if (vips_colourspace(t[0], &t[1], VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    return finish(ctx, t[1], out);
}

int iaa_edit_to_srgb8(VipsImage *in, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_sRGB, NULL)) return fail(ctx);
    if (vips_cast(t[0], &t[1], VIPS_FORMAT_UCHAR, NULL)) return fail(ctx);
    return finish(ctx, t[1], out);
}

int iaa_edit_exposure(VipsImage *in, double gain, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    if (vips_linear1(t[0], &t[1], gain, 0.0, NULL)) return fail(ctx);
    return finish(ctx, t[1], out);
}

int iaa_edit_recomb3(VipsImage *in, const double *m, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    if (!(t[1] = vips_image_new_matrix_from_array(3, 3, m, 9))) return fail(ctx);
    if (vips_recomb(t[0], &t[2], t[1], NULL)) return fail(ctx);
    if (vips_copy(t[2], &t[3], "interpretation", VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    return finish(ctx, t[3], out);
}

int iaa_edit_tone_lut(VipsImage *in, const float *lut, int n, double l_max, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 6);
    if (vips_colourspace(in, &t[5], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    if (fanout(ctx, t[5], &t[0])) return fail(ctx);
    if (map_band(ctx, t[0], 0, lut, n, l_max, &t[1])) return fail(ctx);
    if (vips_extract_band(t[0], &t[2], 1, "n", 2, NULL)) return fail(ctx);
    if (vips_bandjoin2(t[1], t[2], &t[3], NULL)) return fail(ctx);
    if (vips_copy(t[3], &t[4], "interpretation", VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    return finish(ctx, t[4], out);
}

int iaa_edit_chroma(VipsImage *in, double gain, double vib, const float *wc, int nc, double c_max,
                    const float *wh, int nh, double skin_hue, VipsImage **out) {
    /* C* and the hue are the polar coordinates of (a*, b*); scaling C* at constant hue is
     * scaling (a*, b*) by the same factor, so this stays in Lab: no atan2/sincos round trip
     * through LCh. The hue enters only through its angle to `skin_hue`, as the cosine
     * (a·cos θ + b·sin θ) / C, which is what the hue LUT is indexed by. */
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 16);
    if (vips_colourspace(in, &t[14], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    if (fanout(ctx, t[14], &t[0])) return fail(ctx);
    if (vips_extract_band(t[0], &t[1], 0, NULL)) return fail(ctx);              /* L */
    if (vips_extract_band(t[0], &t[15], 1, "n", 2, NULL)) return fail(ctx);
    if (fanout(ctx, t[15], &t[2])) return fail(ctx);                            /* a, b */
    VipsImage *factor_ab = NULL;
    if (vib != 0.0) {
        double th = skin_hue * G_PI / 180.0;
        double proj[2] = {cos(th), sin(th)};
        double sq[2] = {1.0, 1.0};
        if (vips_multiply(t[2], t[2], &t[3], NULL)) return fail(ctx);
        if (!(t[4] = vips_image_new_matrix_from_array(2, 1, sq, 2))) return fail(ctx);
        if (vips_recomb(t[3], &t[5], t[4], NULL)) return fail(ctx);             /* a² + b² */
        VipsImage **c = (VipsImage **)vips_object_local_array(ctx, 1);
        if (vips_pow_const1(t[5], &c[0], 0.5, NULL)) return fail(ctx);
        if (fanout(ctx, c[0], &t[6])) return fail(ctx);                          /* C */
        if (!(t[7] = vips_image_new_matrix_from_array(2, 1, proj, 2))) return fail(ctx);
        if (vips_recomb(t[2], &t[8], t[7], NULL)) return fail(ctx);             /* C·cos(h − θ) */
        if (vips_linear1(t[6], &t[9], 1.0, 1e-6, NULL)) return fail(ctx);
        if (vips_divide(t[8], t[9], &t[10], NULL)) return fail(ctx);            /* cos(h − θ) */
        /* LUT indices: C over [0, c_max]; the cosine over [−1, 1], shifted to [0, 2]. */
        VipsImage **u = (VipsImage **)vips_object_local_array(ctx, 8);
        if (vips_linear1(t[10], &u[0], 1.0, 1.0, NULL)) return fail(ctx);
        if (map_band(ctx, t[6], 0, wc, nc, c_max, &u[1])) return fail(ctx);
        if (map_band(ctx, u[0], 0, wh, nh, 2.0, &u[2])) return fail(ctx);
        if (vips_multiply(u[1], u[2], &u[3], NULL)) return fail(ctx);
        if (vips_linear1(u[3], &u[4], vib, gain, NULL)) return fail(ctx);
        if (vips_multiply(t[2], u[4], &t[11], NULL)) return fail(ctx);         /* (a, b) · factor */
        factor_ab = t[11];
    } else {
        if (vips_linear1(t[2], &t[11], gain, 0.0, NULL)) return fail(ctx);
        factor_ab = t[11];
    }
    if (vips_bandjoin2(t[1], factor_ab, &t[12], NULL)) return fail(ctx);
    if (vips_copy(t[12], &t[13], "interpretation", VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    return finish(ctx, t[13], out);
}

int iaa_edit_split_tone(VipsImage *in, const float *da, const float *db, int n, double l_max,
                        VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 11);
    if (vips_colourspace(in, &t[10], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    if (fanout(ctx, t[10], &t[0])) return fail(ctx);
    if (map_band(ctx, t[0], 0, da, n, l_max, &t[1])) return fail(ctx);
    if (map_band(ctx, t[0], 0, db, n, l_max, &t[2])) return fail(ctx);
    if (vips_extract_band(t[0], &t[3], 0, NULL)) return fail(ctx);
    if (vips_extract_band(t[0], &t[4], 1, NULL)) return fail(ctx);
    if (vips_extract_band(t[0], &t[5], 2, NULL)) return fail(ctx);
    if (vips_add(t[4], t[1], &t[6], NULL)) return fail(ctx);
    if (vips_add(t[5], t[2], &t[7], NULL)) return fail(ctx);
    VipsImage *bands[3] = {t[3], t[6], t[7]};
    if (vips_bandjoin(bands, &t[8], 3, NULL)) return fail(ctx);
    if (vips_copy(t[8], &t[9], "interpretation", VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    return finish(ctx, t[9], out);
}

/* |∂x| + |∂y| by central differences (half the difference of the two neighbours), edges
 * extended by copying: a cheaper stand-in for vips_sobel, in L* per pixel. */
static int gradient(VipsObject *ctx, VipsImage *in, VipsImage **out) {
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 10);
    int w = in->Xsize, h = in->Ysize;
    if (vips_embed(in, &t[0], 1, 1, w + 2, h + 2, "extend", VIPS_EXTEND_COPY, NULL)) return -1;
    if (vips_extract_area(t[0], &t[1], 2, 1, w, h, NULL)) return -1;   /* right */
    if (vips_extract_area(t[0], &t[2], 0, 1, w, h, NULL)) return -1;   /* left */
    if (vips_extract_area(t[0], &t[3], 1, 2, w, h, NULL)) return -1;   /* below */
    if (vips_extract_area(t[0], &t[4], 1, 0, w, h, NULL)) return -1;   /* above */
    if (vips_subtract(t[1], t[2], &t[5], NULL)) return -1;
    if (vips_subtract(t[3], t[4], &t[6], NULL)) return -1;
    if (vips_abs(t[5], &t[7], NULL)) return -1;
    if (vips_abs(t[6], &t[8], NULL)) return -1;
    if (vips_add(t[7], t[8], &t[9], NULL)) return -1;
    return vips_linear1(t[9], out, 0.5, 0.0, NULL);
}

int iaa_edit_denoise(VipsImage *in, double sigma_l, double amount_l, double edge,
                     double sigma_ab, double amount_ab, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 20);
    VipsImage **f = (VipsImage **)vips_object_local_array(ctx, 3);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    if (vips_cast(t[0], &f[0], VIPS_FORMAT_FLOAT, NULL)) return fail(ctx);
    if (fanout(ctx, f[0], &t[1])) return fail(ctx);
    VipsImage *lab = t[1];
    /* Luminance: blend towards the blur where the gradient is small (flat areas). */
    if (vips_extract_band(lab, &t[2], 0, NULL)) return fail(ctx);
    if (vips_gaussblur(t[2], &f[1], sigma_l, "precision", VIPS_PRECISION_FLOAT, NULL)) return fail(ctx);
    if (fanout(ctx, f[1], &t[3])) return fail(ctx);
    if (gradient(ctx, t[3], &t[5])) return fail(ctx);
    if (vips_linear1(t[5], &t[6], 1.0 / edge, 0.0, NULL)) return fail(ctx);
    if (vips_multiply(t[6], t[6], &t[7], NULL)) return fail(ctx);
    if (vips_linear1(t[7], &t[8], -1.0, 0.0, NULL)) return fail(ctx);
    if (vips_math(t[8], &t[9], VIPS_OPERATION_MATH_EXP, NULL)) return fail(ctx);   /* 1 flat … 0 edge */
    if (vips_subtract(t[3], t[2], &t[10], NULL)) return fail(ctx);                 /* blur − L */
    if (vips_multiply(t[10], t[9], &t[11], NULL)) return fail(ctx);
    if (vips_linear1(t[11], &t[12], amount_l, 0.0, NULL)) return fail(ctx);
    if (vips_add(t[2], t[12], &t[13], NULL)) return fail(ctx);
    /* Chroma noise is low-frequency blotches: a wider blur, not gated by edges. */
    if (vips_extract_band(lab, &t[14], 1, "n", 2, NULL)) return fail(ctx);
    if (amount_ab > 0.0) {
        if (vips_gaussblur(t[14], &t[15], sigma_ab, "precision", VIPS_PRECISION_FLOAT, NULL)) return fail(ctx);
        if (vips_subtract(t[15], t[14], &t[16], NULL)) return fail(ctx);
        if (vips_linear1(t[16], &t[17], amount_ab, 0.0, NULL)) return fail(ctx);
        if (vips_add(t[14], t[17], &t[18], NULL)) return fail(ctx);
    } else {
        if (vips_copy(t[14], &t[18], NULL)) return fail(ctx);
    }
    if (vips_bandjoin2(t[13], t[18], &t[19], NULL)) return fail(ctx);
    VipsImage *res = NULL;
    if (vips_copy(t[19], &res, "interpretation", VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    g_object_unref(ctx);
    *out = res;
    return 0;
}

int iaa_edit_sharpen(VipsImage *in, double sigma, double x1, double m1, double m2, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 3);
    if (vips_colourspace(in, &t[2], VIPS_INTERPRETATION_LABS, NULL)) return fail(ctx);
    if (fanout(ctx, t[2], &t[0])) return fail(ctx);
    if (vips_sharpen(t[0], &t[1], "sigma", sigma, "x1", x1, "m1", m1, "m2", m2, NULL)) return fail(ctx);
    return finish(ctx, t[1], out);
}

int iaa_edit_rotate_crop(VipsImage *in, double degrees, int width, int height, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
    if (vips_rotate(in, &t[0], degrees, NULL)) return fail(ctx);
    int w = t[0]->Xsize, h = t[0]->Ysize;
    if (width > w || height > h || width < 1 || height < 1) {
        vips_error("iaa_edit", "crop %dx%d does not fit the rotated %dx%d", width, height, w, h);
        return fail(ctx);
    }
    if (vips_extract_area(t[0], &t[1], (w - width) / 2, (h - height) / 2, width, height, NULL))
        return fail(ctx);
    return finish(ctx, t[1], out);
}

int iaa_edit_copy_memory(VipsImage *in, VipsImage **out) {
    *out = vips_image_copy_memory(in);
    return *out ? 0 : -1;
}
