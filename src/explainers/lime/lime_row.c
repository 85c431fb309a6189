/* LIME's explanation of one row: its memory, the runs (sample, predict
 * through the model, weigh, select, fit) and their summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/workspace.h"
#include "explainers/lime/lime_object.h"
#include "models/model_internal.h"

static void layout(const xpl_lime *l, row_ctx *c, xpl__arena *a)
{
    size_t P = l->P, D = l->D, M = P, B = c->block;
    const xpl_model *m = l->model;
    c->zstride = M + 1;
    c->bcap = B + XPL__LIME_LANES;
    c->xb = xpl__arena_take(a, B * P * sizeof(double));
    c->yb = xpl__arena_take(a, B * D * sizeof(double));
    if (l->binary) {
        if (M > 64) { /* else the Gram reads hbits */
            c->sidx = xpl__arena_take(a, B * M * sizeof(uint32_t));
            c->cnt = xpl__arena_take(a, B * sizeof(uint32_t));
        }
        c->hbits = xpl__arena_take(a, (M + 63) / 64 * c->bcap *
                                          sizeof(uint64_t));
        c->yv = xpl__arena_take(a, B * sizeof(double));
        c->wv = xpl__arena_take(a, B * sizeof(double));
    } else {
        c->zb = xpl__arena_take(a, B * c->zstride * sizeof(double));
        c->d2 = xpl__arena_take(a, B * sizeof(double));
        c->wv = xpl__arena_take(a, B * sizeof(double));
    }
    c->hit = xpl__arena_take(a, (B + XPL__LIME_LANES) * sizeof(int64_t));
    size_t ms = xpl__model_predict_scratch(m, B);
    c->mscratch = ms ? xpl__arena_take(a, ms) : NULL;
    c->z0 = xpl__arena_take(a, M * sizeof(double));
    c->b0 = xpl__arena_take(a, M * sizeof(size_t));
    c->idx = xpl__arena_take(a, (M + 1) * sizeof(uint32_t));
    c->val = xpl__arena_take(a, (M + 1) * sizeof(double));
    c->gmem = xpl__arena_take(a, xpl__lime_gram_bytes(M));
    c->fmem = xpl__arena_take(a, xpl__lime_fit_bytes(M));
    c->sel = xpl__arena_take(a, M * sizeof(uint32_t));
    c->coef = xpl__arena_take(a, M * sizeof(double));
    c->wsum = xpl__arena_take(a, M * sizeof(double));
    c->wsq = xpl__arena_take(a, M * sizeof(double));
    c->count = xpl__arena_take(a, M * sizeof(uint32_t));
}

static int predict(const xpl_lime *l, row_ctx *c, size_t n)
{
    return xpl__model_predict_into(l->model, c->mscratch, c->xb, n, l->output,
                                   c->yb);
}

static double explained(const xpl_lime *l, const double *y, int cls)
{
    if (l->binary_single)
        return cls == 1 ? y[0] : 1 - y[0];
    return y[cls];
}

/* One run: sample, weigh, select, fit. */
static int run_once(const xpl_lime *l, row_ctx *c, const double *x,
                    uint64_t row_index, unsigned run, int cls, double y0,
                    double *intercept, double *score, double *local)
{
    size_t P = l->P, M = P, N = l->opts.num_samples;
    lanes_rng r;
#if XPL__LIME_HAVE_VEC
    xpl__lime_rng4_seed(&r, l->opts.seed, row_index, run);
#else
    uint64_t s[XPL__LIME_LANES][4];
    xpl__lime_seed_lanes(s, l->opts.seed, row_index, run);
    for (int k = 0; k < XPL__LIME_LANES; k++)
        memcpy(r.lane[k].s, s[k], sizeof s[k]);
#endif
    xpl__lime_gram g;
    xpl__lime_gram_init(&g, c->gmem, M);
    /* row 0: the row itself, weight 1, response y0 (the shift) */
    size_t nnz = 0;
    for (size_t j = 0; j < M; j++)
        if (c->z0[j] != 0) {
            c->idx[nnz] = (uint32_t)j;
            c->val[nnz++] = c->z0[j];
        }
    xpl__lime_gram_add(&g, c->idx, c->val, nnz, 0.0, 1.0);
    for (size_t done = 1; done < N;) {
        size_t n = N - done < c->block ? N - done : c->block;
        l->sample(l, c, x, &r, n);
        int rc = predict(l, c, n);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++) {
            double y = explained(l, c->yb + i * l->D, cls);
            if (!isfinite(y))
                return xpl__error(XPL_ENUMERIC, "LIME: the model returned a "
                                  "non-finite value (%g) for a sample", y);
            if (l->binary && M <= 64) {
                /* the row is all ones: d^2 counts the zeros */
                c->yv[i] = y - y0;
                c->wv[i] = l->wtab[M - xpl__lime_popcount64(c->hbits[i])];
            } else if (l->binary) {
                xpl__lime_gram_add_binary(&g, c->sidx + i * M, c->cnt[i],
                                          y - y0, l->wtab[M - c->cnt[i]]);
            } else {
                c->zb[i * c->zstride + M] = y - y0;
                c->wv[i] = sqrt(exp(-c->d2[i] * l->inv_w2));
            }
        }
        if (!l->binary)
            xpl__lime_gram_add_dense(&g, c->zb, n, c->zstride, c->wv);
        else if (M <= 64)
            xpl__lime_gram_add_bits(&g, c->hbits, c->yv, c->wv, n);
        done += n;
    }
    xpl__lime_gram_center(&g);
    size_t k = xpl__lime_select(&g, l->opts.feature_selection,
                                l->opts.num_features, c->z0, c->fmem, c->sel);
    double icpt, r2;
    int rc = xpl__lime_ridge(&g, c->sel, k, 1.0, c->fmem, c->coef, &icpt, &r2);
    if (rc)
        return rc;
    double lp = icpt;
    for (size_t i = 0; i < k; i++)
        lp += c->coef[i] * c->z0[c->sel[i]];
    for (size_t i = 0; i < k; i++) {
        size_t j = c->sel[i];
        c->wsum[j] += c->coef[i];
        c->wsq[j] += c->coef[i] * c->coef[i];
        c->count[j]++;
    }
    *intercept = icpt + y0;
    *score = r2;
    *local = lp + y0;
    return XPL_OK;
}

static double pop_std(double sum, double sq, double n)
{
    double mean = sum / n, v = sq / n - mean * mean;
    return v > 0 ? sqrt(v) : 0;
}

int xpl_lime_explain(const xpl_lime *l, xpl_workspace *ws, const double *x,
                     uint64_t row_index, double *weights,
                     unsigned char *selected, double *weight_std,
                     double *selection_frequency, xpl_lime_summary *summary)
{
    if (!l || !x || !weights)
        return xpl__error(XPL_EINVAL, "xpl_lime_explain: NULL argument");
    size_t P = l->P, M = P, D = l->D;
    for (size_t j = 0; j < P; j++)
        if (isnan(x[j]))
            return xpl__error(XPL_EINVAL, "LIME: feature \"%s\" is missing in "
                              "the row; LIME needs every value",
                              xpl_model_feature_name(l->model, j));
    row_ctx c;
    memset(&c, 0, sizeof c);
    c.block = l->opts.num_samples - 1 < BLOCK_ROWS ? l->opts.num_samples - 1
                                                   : BLOCK_ROWS;
    xpl__arena a = { NULL, 0 };
    layout(l, &c, &a);
    xpl_workspace *tmp = NULL;
    int rc = xpl__arena_from_workspace(&a, &ws, &tmp);
    if (rc)
        return rc;
    layout(l, &c, &a);

    for (size_t j = 0; j < M; j++) {
        const xpl__lime_feature *f = &l->t.f[j];
        c.b0[j] = xpl__lime_bin_of(&l->t, j, x[j]);
        /* z-scores as the sampler makes them (sample_zscore) */
        c.z0[j] = f->kind == XPL__LIME_ZSCORE
                      ? (x[j] - f->mean) * (1 / f->scale)
                      : 1.0;
        c.wsum[j] = c.wsq[j] = 0;
        c.count[j] = 0;
    }
    /* The model at the row: the prediction, the class, the shift. */
    memcpy(c.xb, x, P * sizeof *x);
    rc = predict(l, &c, 1);
    if (rc)
        goto done;
    int cls = l->opts.class_index;
    if (cls == XPL_LIME_AUTO) {
        cls = l->n_classes == 2 && xpl_model_is_classifier(l->model) ? 1
                                                                     : 0;
        if (l->auto_argmax)
            for (size_t d = 1; d < D; d++)
                if (c.yb[d] > c.yb[cls])
                    cls = (int)d;
    }
    double y0 = explained(l, c.yb, cls);
    if (!isfinite(y0)) {
        rc = xpl__error(XPL_ENUMERIC, "LIME: the model's output for the row "
                        "is not finite (%g)", y0);
        goto done;
    }
    unsigned R = l->opts.repeats;
    double s_i = 0, q_i = 0, s_s = 0, q_s = 0, s_l = 0, q_l = 0;
    for (unsigned run = 0; run < R; run++) {
        double icpt = 0, score = 0, local = 0;
        if ((rc = run_once(l, &c, x, row_index, run, cls, y0, &icpt, &score,
                           &local)))
            goto done;
        s_i += icpt;
        q_i += icpt * icpt;
        s_s += score;
        q_s += score * score;
        s_l += local;
        q_l += local * local;
    }
    size_t n_sel = 0;
    for (size_t j = 0; j < M; j++) {
        weights[j] = c.wsum[j] / R;
        if (c.count[j] == 0)
            weights[j] = 0;
        n_sel += c.count[j] > 0;
        if (selected)
            selected[j] = c.count[j] > 0;
        if (weight_std)
            weight_std[j] = R > 1 ? pop_std(c.wsum[j], c.wsq[j], R) : 0;
        if (selection_frequency)
            selection_frequency[j] = (double)c.count[j] / R;
    }
    if (summary) {
        summary->intercept = s_i / R;
        summary->intercept_std = R > 1 ? pop_std(s_i, q_i, R) : 0;
        summary->score = s_s / R;
        summary->score_std = R > 1 ? pop_std(s_s, q_s, R) : 0;
        summary->local_prediction = s_l / R;
        summary->local_prediction_std = R > 1 ? pop_std(s_l, q_l, R) : 0;
        summary->prediction = y0;
        summary->explained_class = cls;
        summary->explained_output = (int)l->output;
        summary->n_selected = n_sel;
    }
done:
    xpl_workspace_free(tmp);
    return rc;
}
