/* iaa_vips_render.c: 3D colour lookup table, luma sharpen and luma denoise as libvips
 * generate functions. See iaa_vips_render.h. */
#include "iaa_vips_render.h"
#include <math.h>
#include <string.h>

/* BT.709 luma weights (sRGB primaries). */
#define WR 0.2126f
#define WG 0.7152f
#define WB 0.0722f

static int check_rgb(const char *domain, VipsImage *in) {
    if (in->Coding != VIPS_CODING_NONE || in->Bands < 3 ||
        (in->BandFmt != VIPS_FORMAT_UCHAR && in->BandFmt != VIPS_FORMAT_USHORT)) {
        vips_error(domain, "expected uncoded 8- or 16-bit RGB with at least 3 bands");
        return -1;
    }
    return 0;
}

/* The output image of a one-input generate function; holds a reference to its input. */
static VipsImage *new_output(VipsImage *in, VipsDemandStyle style) {
    VipsImage *res = vips_image_new();
    if (vips_image_pipelinev(res, style, in, NULL)) {
        g_object_unref(res);
        return NULL;
    }
    g_object_ref(in);
    vips_object_local(res, in);
    return res;
}

/* MARK: 3D LUT */

int iaa_lut3d_lattice(int n, VipsImage **out) {
    if (n < 2 || n > 129) { vips_error("iaa_lut3d", "lattice size %d outside 2…129", n); return -1; }
    size_t count = (size_t)n * n * n;
    unsigned short *px = g_new(unsigned short, count * 3);
    unsigned short level[129];
    for (int i = 0; i < n; i++) level[i] = (unsigned short)lrint(i * 65535.0 / (n - 1));
    size_t k = 0;
    for (int r = 0; r < n; r++)
        for (int g = 0; g < n; g++)
            for (int b = 0; b < n; b++) {
                px[k++] = level[r]; px[k++] = level[g]; px[k++] = level[b];
            }
    *out = vips_image_new_from_memory_copy(px, count * 3 * sizeof(unsigned short), n, n * n, 3,
                                           VIPS_FORMAT_USHORT);
    g_free(px);
    if (!*out) return -1;
    (*out)->Type = VIPS_INTERPRETATION_RGB16;
    return 0;
}

typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

typedef struct {
    int n;
    v4f *lut;          /* n³ nodes (RGB in output units, one pad), r major */
    int *cell;         /* per input value and axis (r, g, b tables one after the other): offset
                        * of the cell's lower node, in nodes */
    float *frac;       /* per input value: position inside the cell, 0 … 1 */
    int levels;        /* 256 or 65536 */
    int off_a[8], off_b[8], off_c;   /* vertex offsets, in nodes (see lut3d_sample) */
} IaaLut3d;

static void lut3d_free(gpointer data) {
    IaaLut3d *p = data;
    g_free(p->lut); g_free(p->cell); g_free(p->frac);
    g_free(p);
}

/* Tetrahedral interpolation: the cube cell is split into six tetrahedra along its main
 * diagonal; the one containing (fr, fg, fb) follows from their order, which indexes the two
 * intermediate vertices (off_a: the axis of the largest fraction, off_b: plus the middle
 * one) without a branch. out = c0 + f1 (ca − c0) + f2 (cb − ca) + f3 (c111 − cb), f1 ≥ f2 ≥ f3. */
static inline v4f lut3d_sample(const IaaLut3d *p, int base, float fr, float fg, float fb) {
    const int k = (fr >= fg) << 2 | (fg >= fb) << 1 | (fr >= fb);
    const float f1 = fmaxf(fr, fmaxf(fg, fb)), f3 = fminf(fr, fminf(fg, fb));
    const float f2 = fr + fg + fb - f1 - f3;
    const v4f *c0 = p->lut + base;
    const v4f c000 = c0[0], ca = c0[p->off_a[k]], cb = c0[p->off_b[k]], c111 = c0[p->off_c];
    return c000 + f1 * (ca - c000) + f2 * (cb - ca) + f3 * (c111 - cb);
}

#define LUT3D_LOOP(T)                                                                   \
    for (int y = 0; y < r->height; y++) {                                                     \
        const T *s = (const T *)VIPS_REGION_ADDR(ir, r->left, r->top + y);                    \
        T *q = (T *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);                        \
        for (int x = 0; x < r->width; x++, s += bands, q += bands) {                          \
            const int vr = s[0], vg = s[1], vb = s[2];                                        \
            v4f o = lut3d_sample(p, cr[vr] + cg[vg] + cb[vb], p->frac[vr], p->frac[vg],       \
                                 p->frac[vb]);                                                \
            /* A convex combination of in-range nodes: no clamp needed. */                    \
            const v4i u = __builtin_convertvector(o + 0.5f, v4i);                             \
            q[0] = (T)u[0]; q[1] = (T)u[1]; q[2] = (T)u[2];                                   \
            for (int k = 3; k < bands; k++) q[k] = s[k];                                      \
        }                                                                                     \
    }

static int lut3d_generate(VipsRegion *out_region, void *seq, void *a, void *b, gboolean *stop) {
    VipsRegion *ir = (VipsRegion *)seq;
    const IaaLut3d *p = (const IaaLut3d *)b;
    VipsRect *r = &out_region->valid;
    const int bands = out_region->im->Bands;
    const int *cr = p->cell, *cg = cr + p->levels, *cb = cg + p->levels;
    (void)a; (void)stop;
    if (vips_region_prepare(ir, r)) return -1;
    if (out_region->im->BandFmt == VIPS_FORMAT_UCHAR) {
        LUT3D_LOOP(unsigned char)
    } else {
        LUT3D_LOOP(unsigned short)
    }
    return 0;
}

int iaa_lut3d_apply(VipsImage *in, const unsigned short *table, int n, VipsImage **out) {
    if (check_rgb("iaa_lut3d", in)) return -1;
    if (n < 2 || n > 129) { vips_error("iaa_lut3d", "lattice size %d outside 2…129", n); return -1; }
    const gboolean eight = in->BandFmt == VIPS_FORMAT_UCHAR;
    const int levels = eight ? 256 : 65536;
    IaaLut3d *p = g_new0(IaaLut3d, 1);
    p->n = n;
    size_t nodes = (size_t)n * n * n;
    p->lut = g_new(v4f, nodes);
    const float unit = eight ? 1.0f / 257.0f : 1.0f;
    for (size_t i = 0; i < nodes; i++) {
        v4f v = {table[3 * i] * unit, table[3 * i + 1] * unit, table[3 * i + 2] * unit, 0};
        p->lut[i] = v;
    }
    /* Vertex offsets (in nodes) by the order of the fractions, k = (fr ≥ fg, fg ≥ fb, fr ≥ fb);
     * k = 1 and 6 cannot occur except on ties, where either neighbour gives the same value. */
    const int R = n * n, G = n, B = 1;
    const int oa[8] = {B, B, G, G, B, R, R, R};
    const int ob[8] = {G + B, G + B, G + B, R + G, R + B, R + B, R + G, R + G};
    memcpy(p->off_a, oa, sizeof oa);
    memcpy(p->off_b, ob, sizeof ob);
    p->off_c = R + G + B;
    p->levels = levels;
    p->cell = g_new(int, 3 * levels);
    p->frac = g_new(float, levels);
    for (int v = 0; v < levels; v++) {
        double x = (double)v * (n - 1) / (levels - 1);
        int i = (int)floor(x);
        if (i > n - 2) i = n - 2;
        p->cell[v] = i * R;
        p->cell[levels + v] = i * G;
        p->cell[2 * levels + v] = i * B;
        p->frac[v] = (float)(x - i);
    }
    VipsImage *res = new_output(in, VIPS_DEMAND_STYLE_THINSTRIP);
    if (!res) { lut3d_free(p); return -1; }
    g_object_set_data_full(G_OBJECT(res), "iaa-lut3d", p, lut3d_free);
    if (vips_image_generate(res, vips_start_one, lut3d_generate, vips_stop_one, in, p)) {
        g_object_unref(res);
        return -1;
    }
    *out = res;
    return 0;
}

/* MARK: Neighbourhood operations on luma */

/* A normalised 1-D Gaussian truncated where it falls under 20 % of its peak (the rule of
 * vips_gaussmat with min_ampl 0.2, which vips_sharpen and vips_gaussblur use), but at least
 * three taps: under sigma 0.53 that rule leaves a single tap, a blur that does nothing.
 * Returns the radius; `k` gets 2 · radius + 1 taps. */
static int gauss_kernel(double sigma, float **k) {
    double sig2 = 2.0 * sigma * sigma;
    int x = 0;
    while (x < 1000 && exp(-(double)(x * x) / sig2) >= 0.2) x++;
    int radius = x - 1 > 1 ? x - 1 : 1;
    *k = g_new(float, 2 * radius + 1);
    double sum = 0;
    for (int i = -radius; i <= radius; i++) sum += exp(-(double)(i * i) / sig2);
    for (int i = -radius; i <= radius; i++) (*k)[i + radius] = (float)(exp(-(double)(i * i) / sig2) / sum);
    return radius;
}

typedef struct {
    int denoise;          /* 0 sharpen, 1 denoise */
    int margin;           /* the input is embedded by this many pixels on every side */
    float scale;          /* 100 / native white (255 or 65535): native → 0…100 */
    float *kl; int rl;    /* luma kernel */
    float *kc; int rc;    /* chroma kernel (denoise) */
    float kb[7]; int rb;  /* bilateral spatial weights (denoise luma), radius ≤ 3 */
    /* sharpen */
    float x1, m1, m2, y2, y3;
    /* denoise */
    float amount_l, inv_edge, amount_ab;
    float expneg[1025];   /* exp(−t) for t = i / 64, 0 … 16 */
} IaaDetail;

static void detail_free(gpointer data) {
    IaaDetail *p = data;
    g_free(p->kl); g_free(p->kc);
    g_free(p);
}

typedef struct {
    VipsRegion *ir;
    float *buf;
    size_t cap;
} IaaDetailSeq;

static void *detail_start(VipsImage *out, void *a, void *b) {
    (void)out; (void)b;
    IaaDetailSeq *s = g_new0(IaaDetailSeq, 1);
    s->ir = vips_region_new((VipsImage *)a);
    return s;
}

static int detail_stop(void *seq, void *a, void *b) {
    (void)a; (void)b;
    IaaDetailSeq *s = seq;
    VIPS_UNREF(s->ir);
    g_free(s->buf);
    g_free(s);
    return 0;
}

static float *seq_buffer(IaaDetailSeq *s, size_t floats) {
    if (floats > s->cap) {
        g_free(s->buf);
        s->buf = g_new(float, floats);
        s->cap = floats;
    }
    return s->buf;
}

/* Rows of the input region as float planes in 0…100 units: luma, and for denoise Cb = B' − Y'
 * and Cr = R' − Y'. 8-bit samples go through per-value tables of their weighted share. */
static void to_planes(VipsRegion *ir, int left, int top, int w, int h, float scale, float *Y,
                      float *Cb, float *Cr) {
    const int bands = ir->im->Bands;
    const gboolean eight = ir->im->BandFmt == VIPS_FORMAT_UCHAR;
    float tr[256], tg[256], tb[256], tv[256];
    if (eight)
        for (int v = 0; v < 256; v++) {
            tv[v] = v * scale; tr[v] = WR * tv[v]; tg[v] = WG * tv[v]; tb[v] = WB * tv[v];
        }
    for (int j = 0; j < h; j++) {
        float *y = Y + (size_t)j * w;
        float *cb = Cb ? Cb + (size_t)j * w : NULL, *cr = Cr ? Cr + (size_t)j * w : NULL;
        if (eight) {
            const unsigned char *s = (const unsigned char *)VIPS_REGION_ADDR(ir, left, top + j);
            if (cb)
                for (int i = 0; i < w; i++, s += bands) {
                    const float L = tr[s[0]] + tg[s[1]] + tb[s[2]];
                    y[i] = L; cb[i] = tv[s[2]] - L; cr[i] = tv[s[0]] - L;
                }
            else
                for (int i = 0; i < w; i++, s += bands) y[i] = tr[s[0]] + tg[s[1]] + tb[s[2]];
        } else {
            const unsigned short *s = (const unsigned short *)VIPS_REGION_ADDR(ir, left, top + j);
            for (int i = 0; i < w; i++, s += bands) {
                const float R = s[0] * scale, G = s[1] * scale, B = s[2] * scale;
                const float L = WR * R + WG * G + WB * B;
                y[i] = L;
                if (cb) { cb[i] = B - L; cr[i] = R - L; }
            }
        }
    }
}

/* Separable blur of plane `src` (sw wide) into `dst` (dw × dh): dst(i, j) = Σ k(u) k(v)
 * src(x0 + i + u, y0 + j + v). `tmp` holds dw × (dh + 2r) floats. */
static void blur(const float *src, int sw, int x0, int y0, int dw, int dh, const float *k, int r,
                 float *tmp, float *dst) {
    const int rows = dh + 2 * r;
    for (int j = 0; j < rows; j++) {
        const float *s = src + (size_t)(y0 - r + j) * sw + x0 - r;
        float *t = tmp + (size_t)j * dw;
        for (int i = 0; i < dw; i++) t[i] = 0;
        for (int u = 0; u <= 2 * r; u++) {
            const float ku = k[u];
            const float *su = s + u;
            for (int i = 0; i < dw; i++) t[i] += ku * su[i];
        }
    }
    for (int j = 0; j < dh; j++) {
        float *d = dst + (size_t)j * dw;
        for (int i = 0; i < dw; i++) d[i] = 0;
        for (int v = 0; v <= 2 * r; v++) {
            const float kv = k[v];
            const float *t = tmp + (size_t)(j + v) * dw;
            for (int i = 0; i < dw; i++) d[i] += kv * t[i];
        }
    }
}

/* Writes one output row: native input pixel + (dR, dG, dB) in 0…100 units, rounded, clipped.
 * Three-band rows are one contiguous run of samples, which the compiler vectorises. */
#define WRITE_ROW(T, MAXV)                                                                    \
    {                                                                                         \
        const T *s = (const T *)VIPS_REGION_ADDR(ir, r->left + M, r->top + M + j);            \
        T *q = (T *)VIPS_REGION_ADDR(out_region, r->left, r->top + j);                        \
        if (bands == 3) {                                                                     \
            for (int k = 0; k < 3 * w; k++)                                                   \
                q[k] = (T)(int)fminf(fmaxf(s[k] + d[k] * inv + 0.5f, 0.0f), (float)MAXV);     \
        } else {                                                                              \
            for (int i = 0; i < w; i++, s += bands, q += bands) {                             \
                for (int c = 0; c < 3; c++)                                                   \
                    q[c] = (T)(int)fminf(fmaxf(s[c] + d[3 * i + c] * inv + 0.5f, 0.0f), (float)MAXV); \
                for (int c = 3; c < bands; c++) q[c] = s[c];                                  \
            }                                                                                 \
        }                                                                                     \
    }

static int detail_generate(VipsRegion *out_region, void *seq, void *a, void *b, gboolean *stop) {
    IaaDetailSeq *sq = seq;
    VipsRegion *ir = sq->ir;
    const IaaDetail *p = b;
    VipsRect *r = &out_region->valid;
    const int M = p->margin, w = r->width, h = r->height;
    const int W = w + 2 * M, H = h + 2 * M;
    const int bands = out_region->im->Bands;
    const gboolean eight = out_region->im->BandFmt == VIPS_FORMAT_UCHAR;
    const float inv = 1.0f / p->scale;
    (void)a; (void)stop;
    VipsRect need = {r->left, r->top, W, H};
    if (vips_region_prepare(ir, &need)) return -1;

    if (!p->denoise) {
        const int R = p->rl;
        float *Y = seq_buffer(sq, (size_t)W * H + (size_t)w * (h + 2 * R) + (size_t)w * h + (size_t)3 * w);
        float *tmp = Y + (size_t)W * H, *bl = tmp + (size_t)w * (h + 2 * R), *d = bl + (size_t)w * h;
        const float x1 = p->x1, m1 = p->m1, m2 = p->m2, y2 = p->y2, y3 = p->y3;
        to_planes(ir, r->left, r->top, W, H, p->scale, Y, NULL, NULL);
        blur(Y, W, M, M, w, h, p->kl, R, tmp, bl);
        for (int j = 0; j < h; j++) {
            const float *y = Y + (size_t)(M + j) * W + M, *bj = bl + (size_t)j * w;
            for (int i = 0; i < w; i++) {
                /* vips_sharpen's curve: slope m1 inside ±x1, m2 beyond, limited to −y3 … y2. */
                const float x = y[i] - bj[i], core = fminf(fmaxf(x, -x1), x1);
                const float v = fminf(fmaxf(m1 * core + m2 * (x - core), -y3), y2);
                d[3 * i] = d[3 * i + 1] = d[3 * i + 2] = v;
            }
            if (eight) WRITE_ROW(unsigned char, 255) else WRITE_ROW(unsigned short, 65535)
        }
        return 0;
    }

    /* Denoise. Luma: a bilateral mean over the (2·RB + 1)² neighbourhood — spatial weights
     * from the luma kernel, range weights exp(−(ΔY'/edge)²) — so flat areas average fully,
     * edges average along themselves (only with pixels of their own side) and texture well
     * above the range scale keeps its contrast. Chroma: the wider Gaussian blur. */
    const int RC = p->rc, RB = p->rb;
    const size_t plane = (size_t)W * H;
    const size_t tmpn = (size_t)w * (h + 2 * RC);
    float *Y = seq_buffer(sq, 3 * plane + tmpn + 2 * (size_t)w * h + (size_t)3 * w);
    float *Cb = Y + plane, *Cr = Cb + plane, *tmp = Cr + plane;
    float *bCb = tmp + tmpn, *bCr = bCb + (size_t)w * h;
    float *d = bCr + (size_t)w * h;
    to_planes(ir, r->left, r->top, W, H, p->scale, Y, Cb, Cr);
    if (p->amount_ab > 0) {
        blur(Cb, W, M, M, w, h, p->kc, RC, tmp, bCb);
        blur(Cr, W, M, M, w, h, p->kc, RC, tmp, bCr);
    }
    const float range = p->inv_edge * p->inv_edge * 64.0f;
    for (int j = 0; j < h; j++) {
        const size_t o = (size_t)(M + j) * W + M;
        for (int i = 0; i < w; i++) {
            const float c = Y[o + i];
            float sum = 0, wsum = 0;
            for (int v = -RB; v <= RB; v++) {
                const float *row = Y + o + (ptrdiff_t)v * W + i;
                const float kv = p->kb[v + RB];
                for (int u = -RB; u <= RB; u++) {
                    const float y = row[u], dd = y - c;
                    const float t = fminf(dd * dd * range, 1023.0f);
                    const int ti = (int)t;
                    const float e = p->expneg[ti] + (t - ti) * (p->expneg[ti + 1] - p->expneg[ti]);
                    const float wgt = kv * p->kb[u + RB] * e;
                    sum += wgt * y; wsum += wgt;
                }
            }
            float dy = p->amount_l * (sum / wsum - c);
            float dcb = 0, dcr = 0;
            if (p->amount_ab > 0) {
                dcb = p->amount_ab * (bCb[(size_t)j * w + i] - Cb[o + i]);
                dcr = p->amount_ab * (bCr[(size_t)j * w + i] - Cr[o + i]);
            }
            d[3 * i] = dy + dcr;
            d[3 * i + 1] = dy - (WR * dcr + WB * dcb) / WG;
            d[3 * i + 2] = dy + dcb;
        }
        if (eight) WRITE_ROW(unsigned char, 255) else WRITE_ROW(unsigned short, 65535)
    }
    return 0;
}

static int detail_build(VipsImage *in, IaaDetail *p, VipsImage **out) {
    VipsImage *embedded = NULL;
    if (vips_embed(in, &embedded, p->margin, p->margin, in->Xsize + 2 * p->margin,
                   in->Ysize + 2 * p->margin, "extend", VIPS_EXTEND_COPY, NULL)) {
        detail_free(p);
        return -1;
    }
    VipsImage *res = new_output(embedded, VIPS_DEMAND_STYLE_SMALLTILE);
    g_object_unref(embedded);
    if (!res) { detail_free(p); return -1; }
    res->Xsize = in->Xsize;
    res->Ysize = in->Ysize;
    g_object_set_data_full(G_OBJECT(res), "iaa-detail", p, detail_free);
    if (vips_image_generate(res, detail_start, detail_generate, detail_stop, embedded, p)) {
        g_object_unref(res);
        return -1;
    }
    *out = res;
    return 0;
}

static float native_scale(VipsImage *in) {
    return in->BandFmt == VIPS_FORMAT_UCHAR ? 100.0f / 255.0f : 100.0f / 65535.0f;
}

int iaa_edit_luma_sharpen(VipsImage *in, double sigma, double x1, double m1, double m2, double y2,
                          double y3, VipsImage **out) {
    if (check_rgb("iaa_sharpen", in)) return -1;
    if (!(sigma > 0)) { vips_error("iaa_sharpen", "sigma must be positive"); return -1; }
    IaaDetail *p = g_new0(IaaDetail, 1);
    p->rl = gauss_kernel(sigma, &p->kl);
    p->margin = p->rl;
    p->scale = native_scale(in);
    p->x1 = (float)x1; p->m1 = (float)m1; p->m2 = (float)m2; p->y2 = (float)y2; p->y3 = (float)y3;
    return detail_build(in, p, out);
}

int iaa_edit_luma_denoise(VipsImage *in, double sigma_l, double amount_l, double edge,
                          double sigma_ab, double amount_ab, VipsImage **out) {
    if (check_rgb("iaa_denoise", in)) return -1;
    if (!(sigma_l > 0) || !(sigma_ab > 0) || !(edge > 0)) {
        vips_error("iaa_denoise", "sigmas and edge must be positive");
        return -1;
    }
    IaaDetail *p = g_new0(IaaDetail, 1);
    p->denoise = 1;
    p->rl = gauss_kernel(sigma_l, &p->kl);
    p->rc = gauss_kernel(sigma_ab, &p->kc);
    /* The bilateral neighbourhood: the luma kernel's radius, at most 2 (25 taps). */
    p->rb = p->rl < 2 ? p->rl : 2;
    for (int u = -p->rb; u <= p->rb; u++) p->kb[u + p->rb] = (float)exp(-(double)(u * u) / (2.0 * sigma_l * sigma_l));
    p->margin = p->rb > p->rc ? p->rb : p->rc;
    p->scale = native_scale(in);
    p->amount_l = (float)amount_l;
    p->inv_edge = (float)(1.0 / edge);
    p->amount_ab = (float)amount_ab;
    for (int i = 0; i <= 1024; i++) p->expneg[i] = (float)exp(-i / 64.0);
    return detail_build(in, p, out);
}

int iaa_vips_alpha8(VipsImage *in, VipsImage **out) {
    VipsImage *a = NULL, *b = NULL;
    if (vips_extract_band(in, &a, in->Bands - 1, NULL)) return -1;
    if (a->BandFmt == VIPS_FORMAT_UCHAR) { *out = a; return 0; }
    int rc = vips_linear1(a, &b, 1.0 / 257.0, 0.5, NULL) || vips_cast(b, out, VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(a);
    if (b) g_object_unref(b);
    return rc ? -1 : 0;
}

/* MARK: Rotate and crop */

typedef struct {
    double cx, cy;   /* input centre */
    double ox, oy;   /* output centre */
    double c, s;     /* cos, sin of the angle */
} IaaRotate;

/* Input position (pixel-index space, centres at integers) of output pixel (x, y). */
static inline void rotate_source(const IaaRotate *p, double x, double y, double *sx, double *sy) {
    const double dx = x + 0.5 - p->ox, dy = y + 0.5 - p->oy;
    *sx = p->cx + dx * p->c + dy * p->s - 0.5;
    *sy = p->cy - dx * p->s + dy * p->c - 0.5;
}

/* One output row. Positions step in 16.16 fixed point (exact enough: the error after a
 * 128-pixel tile row is under 0.002 pixel), clamped to the prepared input rectangle. */
#define ROTATE_ROW(T, ROUND, NB)                                                              \
    for (int x = 0; x < r->width; x++, fx += dfx, fy += dfy) {                                \
        int ix = fx >> 16, iy = fy >> 16;                                                     \
        float tx = (fx & 0xffff) * (1.0f / 65536), ty = (fy & 0xffff) * (1.0f / 65536);       \
        if (ix < left) { ix = left; tx = 0; }                                                 \
        if (ix > xmax) { ix = xmax; tx = 1; }                                                 \
        if (iy < top) { iy = top; ty = 0; }                                                   \
        if (iy > ymax) { iy = ymax; ty = 1; }                                                 \
        const T *a = (const T *)(base + (size_t)(iy - top) * lskip) + (size_t)(ix - left) * NB; \
        const T *c = (const T *)((const unsigned char *)a + lskip);                           \
        for (int k = 0; k < NB; k++) {                                                        \
            const float top = a[k] + tx * (a[k + NB] - a[k]);                                 \
            const float bottom = c[k] + tx * (c[k + NB] - c[k]);                              \
            q[k] = (T)(top + ty * (bottom - top) ROUND);                                      \
        }                                                                                     \
        q += NB;                                                                              \
    }

#define ROTATE_FORMAT(T, ROUND)                                                               \
    if (bands == 3) { ROTATE_ROW(T, ROUND, 3) }                                               \
    else if (bands == 4) { ROTATE_ROW(T, ROUND, 4) }                                          \
    else { ROTATE_ROW(T, ROUND, bands) }

static int rotate_generate(VipsRegion *out_region, void *seq, void *a, void *b, gboolean *stop) {
    VipsRegion *ir = (VipsRegion *)seq;
    const IaaRotate *p = (const IaaRotate *)b;
    VipsImage *in = (VipsImage *)a;
    VipsRect *r = &out_region->valid;
    (void)stop;
    /* The input rectangle under the output one: its corners' sources, one pixel wider. */
    double minx = 1e30, miny = 1e30, maxx = -1e30, maxy = -1e30;
    for (int i = 0; i < 4; i++) {
        double sx, sy;
        rotate_source(p, r->left + (i & 1 ? r->width : 0), r->top + (i & 2 ? r->height : 0), &sx, &sy);
        minx = fmin(minx, sx); maxx = fmax(maxx, sx); miny = fmin(miny, sy); maxy = fmax(maxy, sy);
    }
    VipsRect need = {(int)floor(minx) - 1, (int)floor(miny) - 1, 0, 0};
    need.width = (int)ceil(maxx) + 2 - need.left;
    need.height = (int)ceil(maxy) + 2 - need.top;
    VipsRect image = {0, 0, in->Xsize, in->Ysize};
    vips_rect_intersectrect(&need, &image, &need);
    if (need.width < 2 || need.height < 2) {
        /* Degenerate (a one-pixel-wide input): widen within the image where possible. */
        need = image;
    }
    if (vips_region_prepare(ir, &need)) return -1;
    const int bands = in->Bands;
    const size_t lskip = VIPS_REGION_LSKIP(ir);
    /* The last top-left corner whose 2×2 neighbourhood is inside the rectangle. */
    const int xmax = need.left + need.width - 2, ymax = need.top + need.height - 2;
    if (need.width < 2 || need.height < 2) {
        vips_error("iaa_rotate", "image too small to rotate");
        return -1;
    }
    const int dfx = (int)lrint(p->c * 65536), dfy = (int)lrint(-p->s * 65536);
    /* Locals, not region fields: the byte stores below could alias those and force reloads. */
    const unsigned char *const base = (const unsigned char *)VIPS_REGION_ADDR(ir, need.left, need.top);
    const int left = need.left, top = need.top;
    for (int y = 0; y < r->height; y++) {
        double sx0, sy0;
        rotate_source(p, r->left, r->top + y, &sx0, &sy0);
        /* Positions left of the image clamp anyway: floor towards −∞ is kept by the shift. */
        int fx = (int)lrint(sx0 * 65536), fy = (int)lrint(sy0 * 65536);
        switch (in->BandFmt) {
        case VIPS_FORMAT_UCHAR: {
            unsigned char *q = (unsigned char *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);
            ROTATE_FORMAT(unsigned char, + 0.5f)
            break;
        }
        case VIPS_FORMAT_USHORT: {
            unsigned short *q = (unsigned short *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);
            ROTATE_FORMAT(unsigned short, + 0.5f)
            break;
        }
        default: {
            float *q = (float *)VIPS_REGION_ADDR(out_region, r->left, r->top + y);
            ROTATE_FORMAT(float, )
            break;
        }
        }
    }
    return 0;
}

int iaa_edit_rotate_crop_bilinear(VipsImage *in, double degrees, int width, int height, VipsImage **out) {
    if (in->Coding != VIPS_CODING_NONE ||
        (in->BandFmt != VIPS_FORMAT_UCHAR && in->BandFmt != VIPS_FORMAT_USHORT && in->BandFmt != VIPS_FORMAT_FLOAT)) {
        vips_error("iaa_rotate", "expected uncoded uchar, ushort or float pixels");
        return -1;
    }
    if (width < 1 || height < 1 || in->Xsize < 2 || in->Ysize < 2) {
        vips_error("iaa_rotate", "cannot rotate %dx%d into %dx%d", in->Xsize, in->Ysize, width, height);
        return -1;
    }
    IaaRotate *p = g_new0(IaaRotate, 1);
    p->cx = in->Xsize / 2.0; p->cy = in->Ysize / 2.0;
    p->ox = width / 2.0; p->oy = height / 2.0;
    p->c = cos(degrees * G_PI / 180.0); p->s = sin(degrees * G_PI / 180.0);
    VipsImage *res = new_output(in, VIPS_DEMAND_STYLE_SMALLTILE);
    if (!res) { g_free(p); return -1; }
    res->Xsize = width;
    res->Ysize = height;
    g_object_set_data_full(G_OBJECT(res), "iaa-rotate", p, g_free);
    if (vips_image_generate(res, vips_start_one, rotate_generate, vips_stop_one, in, p)) {
        g_object_unref(res);
        return -1;
    }
    *out = res;
    return 0;
}
