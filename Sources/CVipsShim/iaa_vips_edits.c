/* iaa_vips_edits.c: libvips pipelines for the candidate edits. See iaa_vips_edits.h.
 *
 * Each function builds its intermediates in a local array owned by a throwaway context
 * object, so every early return releases them; the result is referenced before the context
 * goes. */
#include "iaa_vips_edits.h"
#include "iaa_vips_render.h"
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

/* A pixel-wise operation on `in` (thin strips, one region per thread): `gen` with `params`
 * (owned by the result from here on, freed by `free_params` under `key`), output
 * interpretation `type`. Ends `ctx` either way. */
static int generate_on(VipsObject *ctx, VipsImage *in, VipsInterpretation type, const char *key,
                       void *params, GDestroyNotify free_params, VipsGenerateFn gen, VipsImage **out) {
    VipsImage *res = vips_image_new();
    g_object_set_data_full(G_OBJECT(res), key, params, free_params);
    if (vips_image_pipelinev(res, VIPS_DEMAND_STYLE_THINSTRIP, in, NULL)) {
        g_object_unref(res);
        return fail(ctx);
    }
    res->Type = type;
    /* The input must live as long as the output reads it. */
    g_object_ref(in);
    vips_object_local(res, in);
    if (vips_image_generate(res, vips_start_one, gen, vips_stop_one, in, params)) {
        g_object_unref(res);
        return fail(ctx);
    }
    g_object_unref(ctx);
    *out = res;
    return 0;
}

/* libvips recomputes a node for every consumer that reads it: in a graph that fans out (Lab
 * feeding L, a, b and a blur feeding a gradient and a blend) the colour conversion and the
 * blur would run several times over, and chained edits (denoise feeding sharpen's own
 * fan-out) multiply that. Small images (proxies) are therefore computed into memory at each
 * fan-out point. Large ones (full-resolution renders) get a threaded tile cache a few tile
 * rows deep across the full width: enough for every consumer of a strip, a few tens of MB.
 * (A sequential line cache measured 1.4 GB on a 14 MP render; the tile cache stays at the
 * ~240 MB that the random-access decode needs anyway.) */
#define IAA_EDIT_MEMORY_PIXELS (4 * 1024 * 1024)

/* *out is a new reference (the caller's local array owns it). */
static int fanout(VipsObject *ctx, VipsImage *in, VipsImage **out) {
    (void)ctx;
    if ((gint64)in->Xsize * in->Ysize <= IAA_EDIT_MEMORY_PIXELS) {
        *out = vips_image_copy_memory(in);
        return *out ? 0 : -1;
    }
    /* A few rows of tiles across the full width: enough for every consumer of a strip. */
    return vips_tilecache(in, out, "tile_width", 128, "tile_height", 128,
                          "max_tiles", 4 * (in->Xsize / 128 + 1), "threaded", TRUE, NULL);
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

typedef struct { double gain, k; } IaaShoulder;

/* y = g·x / (1 + k·x) for x > 0 (k = protect·(g − 1): white maps to white at protect 1), y = g·x
 * at or below 0 (out-of-gamut negatives keep a plain gain). Three bands, float. */
static int shoulder_generate(VipsRegion *out_region, void *seq, void *a, void *b, gboolean *stop) {
    VipsRegion *ir = (VipsRegion *)seq;
    const IaaShoulder *p = (const IaaShoulder *)b;
    VipsRect *r = &out_region->valid;
    (void)a; (void)stop;
    if (vips_region_prepare(ir, r)) return -1;
    const int n = r->width * 3;
    for (int y = 0; y < r->height; y++) {
        const float *s = (const float *)VIPS_REGION_ADDR(ir, r->left, r->top + y);
        float *q = (float *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);
        for (int i = 0; i < n; i++) {
            double x = s[i], d = x > 0 ? 1.0 + p->k * x : 1.0;
            q[i] = (float)(p->gain * x / (d > 1e-3 ? d : 1e-3));
        }
    }
    return 0;
}

int iaa_edit_exposure(VipsImage *in, double gain, double protect, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 3);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_scRGB, NULL)) return fail(ctx);
    if (protect <= 0.0) {
        if (vips_linear1(t[0], &t[1], gain, 0.0, NULL)) return fail(ctx);
        return finish(ctx, t[1], out);
    }
    if (vips_cast(t[0], &t[1], VIPS_FORMAT_FLOAT, NULL)) return fail(ctx);
    if (t[1]->Bands != 3) { vips_error("iaa_edit", "expected 3-band scRGB, not %d bands", t[1]->Bands); return fail(ctx); }
    IaaShoulder *p = g_new0(IaaShoulder, 1);
    p->gain = gain;
    p->k = protect * (gain - 1.0);
    return generate_on(ctx, t[1], VIPS_INTERPRETATION_scRGB, "iaa-shoulder", p, g_free, shoulder_generate, out);
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

/* The fused Lab point operation: one pass per pixel instead of a graph of ~20 libvips
 * arithmetic operations (whose per-operation setup dominated on 512 px proxies). */
typedef struct {
    float *lut_l;      /* 65536 entries over [0, l_max], or NULL */
    double l_scale;    /* 65535 / l_max */
    int chroma;        /* apply the chroma factor */
    double gain, vib;
    float *wc;         /* 65536 entries over C in [0, c_max] (vib != 0) */
    double c_scale;
    float *wh;         /* 65536 entries over cos(h − skin) + 1 in [0, 2] (vib != 0) */
    double cos_t, sin_t;
    float *da, *db;    /* 65536 entries over L in [0, l_max], or NULL */
} IaaLabParams;

static void lab_params_free(gpointer data) {
    IaaLabParams *p = (IaaLabParams *)data;
    g_free(p->lut_l); g_free(p->wc); g_free(p->wh); g_free(p->da); g_free(p->db);
    g_free(p);
}

static inline int lut_index(double v) {
    if (!(v > 0.0)) return 0;          /* also NaN */
    if (v >= 65535.0) return 65535;
    return (int)(v + 0.5) > 65535 ? 65535 : (int)(v + 0.5);
}

static int lab_generate(VipsRegion *out_region, void *seq, void *a, void *b, gboolean *stop) {
    VipsRegion *ir = (VipsRegion *)seq;
    const IaaLabParams *p = (const IaaLabParams *)b;
    VipsRect *r = &out_region->valid;
    (void)a; (void)stop;
    if (vips_region_prepare(ir, r)) return -1;
    for (int y = 0; y < r->height; y++) {
        const float *s = (const float *)VIPS_REGION_ADDR(ir, r->left, r->top + y);
        float *q = (float *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);
        for (int x = 0; x < r->width; x++, s += 3, q += 3) {
            double L = s[0], A = s[1], B = s[2];
            if (p->lut_l) L = p->lut_l[lut_index(L * p->l_scale)];
            if (p->chroma) {
                double f = p->gain;
                if (p->vib != 0.0) {
                    double C = sqrt(A * A + B * B);
                    double c = (A * p->cos_t + B * p->sin_t) / (C + 1e-6);
                    f += p->vib * p->wc[lut_index(C * p->c_scale)] * p->wh[lut_index((c + 1.0) * 32767.5)];
                }
                A *= f; B *= f;
            }
            if (p->da) {
                int i = lut_index(L * p->l_scale);
                A += p->da[i]; B += p->db[i];
            }
            q[0] = (float)L; q[1] = (float)A; q[2] = (float)B;
        }
    }
    return 0;
}

static float *lut_copy(const float *lut) {
    return lut ? (float *)g_memdup2(lut, 65536 * sizeof(float)) : NULL;
}

int iaa_edit_lab_pointwise(VipsImage *in, const float *lut_l, double l_max, int chroma, double gain,
                           double vib, const float *wc, double c_max, const float *wh,
                           double skin_hue, const float *da, const float *db, VipsImage **out) {
    VipsObject *ctx = ctx_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_LAB, NULL)) return fail(ctx);
    if (vips_cast(t[0], &t[1], VIPS_FORMAT_FLOAT, NULL)) return fail(ctx);
    if (t[1]->Bands != 3) { vips_error("iaa_edit", "expected 3-band Lab, not %d bands", t[1]->Bands); return fail(ctx); }
    if (chroma && vib != 0.0 && (!wc || !wh)) { vips_error("iaa_edit", "vibrance needs both weight LUTs"); return fail(ctx); }
    if ((da == NULL) != (db == NULL)) { vips_error("iaa_edit", "split toning needs both LUTs"); return fail(ctx); }
    IaaLabParams *p = g_new0(IaaLabParams, 1);
    p->lut_l = lut_copy(lut_l);
    p->l_scale = 65535.0 / l_max;
    p->chroma = chroma;
    p->gain = gain;
    p->vib = chroma ? vib : 0.0;
    if (p->vib != 0.0) {
        p->wc = lut_copy(wc);
        p->wh = lut_copy(wh);
        p->c_scale = 65535.0 / c_max;
        p->cos_t = cos(skin_hue * G_PI / 180.0);
        p->sin_t = sin(skin_hue * G_PI / 180.0);
    }
    p->da = lut_copy(da);
    p->db = lut_copy(db);

    return generate_on(ctx, t[1], VIPS_INTERPRETATION_LAB, "iaa-lab-params", p, lab_params_free, lab_generate, out);
}

int iaa_edit_rotate_crop(VipsImage *in, double degrees, int width, int height, VipsImage **out) {
    /* One pass for the formats edits use (8/16-bit native, float working images). */
    if (in->Coding == VIPS_CODING_NONE && in->Xsize >= 2 && in->Ysize >= 2 &&
        (in->BandFmt == VIPS_FORMAT_UCHAR || in->BandFmt == VIPS_FORMAT_USHORT || in->BandFmt == VIPS_FORMAT_FLOAT))
        return iaa_edit_rotate_crop_bilinear(in, degrees, width, height, out);
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
