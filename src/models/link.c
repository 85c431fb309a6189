#include <math.h>

#include "models/model_internal.h"

const char *xpl_link_name(xpl_link link)
{
    switch (link) {
    case XPL_LINK_IDENTITY: return "identity";
    case XPL_LINK_LOGIT: return "logit";
    case XPL_LINK_SOFTMAX: return "softmax";
    case XPL_LINK_LOG: return "log";
    case XPL_LINK_SOFTPLUS: return "softplus";
    case XPL_LINK_SIGNED_SQUARE: return "signed_square";
    }
    return "unknown";
}

static double sigmoid(double z)
{
    /* Both branches avoid exp overflow: exp of a non-positive number. */
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

static void softmax(double *v, size_t k)
{
    double max = v[0];
    for (size_t i = 1; i < k; i++)
        if (v[i] > max)
            max = v[i];
    double sum = 0.0;
    for (size_t i = 0; i < k; i++) {
        v[i] = exp(v[i] - max);
        sum += v[i];
    }
    for (size_t i = 0; i < k; i++)
        v[i] /= sum;
}

void xpl__apply_link(xpl_link link, double *v, size_t n_rows, size_t n_outputs)
{
    size_t n = n_rows * n_outputs;
    switch (link) {
    case XPL_LINK_IDENTITY:
        return;
    case XPL_LINK_LOGIT:
        for (size_t i = 0; i < n; i++)
            v[i] = sigmoid(v[i]);
        return;
    case XPL_LINK_SOFTMAX:
        for (size_t r = 0; r < n_rows; r++)
            softmax(v + r * n_outputs, n_outputs);
        return;
    case XPL_LINK_LOG:
        for (size_t i = 0; i < n; i++)
            v[i] = exp(v[i]);
        return;
    case XPL_LINK_SOFTPLUS:
        /* LightGBM computes log1p(exp(z)) as written; for z > 700 that
         * overflows to inf where z itself is the answer. */
        for (size_t i = 0; i < n; i++)
            v[i] = v[i] > 700 ? v[i] : log1p(exp(v[i]));
        return;
    case XPL_LINK_SIGNED_SQUARE:
        for (size_t i = 0; i < n; i++)
            v[i] = (v[i] > 0 ? 1.0 : v[i] < 0 ? -1.0 : 0.0) * v[i] * v[i];
        return;
    }
}

void xpl__model_link_outputs(const xpl_model *m, double *v, size_t n_rows)
{
    if (m->link_scale != 1.0)
        for (size_t i = 0; i < n_rows * m->n_outputs; i++)
            v[i] *= m->link_scale;
    xpl__apply_link(m->link, v, n_rows, m->n_outputs);
}
