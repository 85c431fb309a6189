/* Renderers: number formatting known answers, JSON / CSV / text / SVG bytes
 * against golden files (tests/fixtures/render/; XPL_UPDATE_GOLDEN=1
 * rewrites them), escaping, write errors, and the layout of every chart
 * kind on edge cases: every text and shape inside the canvas, no two texts
 * overlapping, no text on a bar or dot.
 *
 * `test_render --write-svgs DIR` writes every chart kind and edge case to
 * DIR instead (for tests/render/check_svg.sh and render_png.sh). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_helpers.h"
#include "models/trees.h"
#include "render/importance.h"
#include "render/number.h"
#include "render/text_util.h"
#include "render/svg.h"
#include "render/text_util.h"
#include <xplain/render.h>

/* ------------------------------------------------------------ fixtures */

enum { MAX_P = 200 };

/* Storage behind one explanation view. */
struct sample {
    xpl_explanation e;
    const char *names[MAX_P];
    char name_buf[MAX_P][40];
    double x[MAX_P], phi[MAX_P], se[MAX_P];
    const char *cond[MAX_P];
    unsigned char sel[MAX_P];
    double inter[(4 + 1) * (4 + 1)];
};

static const char *const base_names[8] = {
    "mean radius", "worst concave points", "worst texture", "area error",
    "smoothness", "fractal dimension", "symmetry error", "perimeter",
};

static void fill(struct sample *s, size_t p)
{
    memset(s, 0, sizeof *s);
    static const double x[8] = { 13.4, 0.0312, 25.5, 1234.5678, 0.1, 0.062,
                                 -3.5, 87.25 };
    static const double phi[8] = { -0.0517, 1.52, -0.811, 0.3, -0.13, 0.05,
                                   0.0021, 0.00001 };
    for (size_t j = 0; j < p; j++) {
        if (j < 8) {
            s->names[j] = base_names[j];
        } else {
            snprintf(s->name_buf[j], sizeof s->name_buf[j], "feature %zu", j);
            s->names[j] = s->name_buf[j];
        }
        /* 8 hand-picked values, then a deterministic spread */
        s->x[j] = j < 8 ? x[j] : (double)((j * 37) % 101) / 7.0;
        s->phi[j] = j < 8 ? phi[j]
                          : ((double)((j * 53) % 97) - 48.0) / 977.0;
        s->se[j] = fabs(s->phi[j]) / 50;
    }
    xpl_explanation *e = &s->e;
    e->row = 3;
    e->output = 0;
    e->n_outputs = 1;
    e->method = "kernel-shap";
    e->n_features = p;
    e->names = s->names;
    e->values = s->x;
    e->contributions = s->phi;
    e->std_errors = s->se;
    e->base_value = 1.3376854002438268;
    e->prediction = e->base_value;
    for (size_t j = 0; j < p; j++)
        e->prediction += s->phi[j];
    e->intercept = e->score = e->local_prediction = NAN;
}

static void make_lime(struct sample *s)
{
    fill(s, 8);
    static const char *const conds[8] = {
        "mean radius <= 13.70", "worst concave points <= 0.10",
        "worst texture > 29.72", "area error > 45.19",
        "0.09 < smoothness <= 0.11", "fractal dimension <= 0.06",
        "symmetry error > -2.00", "perimeter <= 90.00",
    };
    static const unsigned char sel[8] = { 1, 1, 1, 0, 1, 0, 1, 0 };
    for (size_t j = 0; j < 8; j++) {
        s->cond[j] = conds[j];
        s->sel[j] = sel[j];
        if (!sel[j])
            s->phi[j] = 0;
    }
    xpl_explanation *e = &s->e;
    e->method = "lime";
    e->std_errors = NULL;
    e->conditions = s->cond;
    e->selected = s->sel;
    e->intercept = e->base_value = 0.4125;
    e->local_prediction = e->intercept;
    for (size_t j = 0; j < 8; j++)
        e->local_prediction += s->phi[j];
    e->score = 0.8173;
    e->prediction = 0.9512;
}

/* Edge cases of the layout, by name. */
static const char *const cases[] = {
    "typical", "one", "many", "zero", "negative", "nan", "tiny", "huge",
    "long", "escape", "lime", "top3", "multiclass", "degenerate",
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

static const char long_name[] =
    "a very long feature name that goes on and on, far past any label "
    "column that a chart could give it, and then some more";
/* Markup characters, an invalid byte, a control character and UTF-8. */
static const char escape_name[] = "<b>&\"x\" \x01 caf\xc3\xa9 \xff \xe4\xb8\xad";

static void make_case(struct sample *s, size_t k, size_t *top_k)
{
    const char *c = cases[k];
    *top_k = 0;
    if (!strcmp(c, "typical")) {
        fill(s, 8);
    } else if (!strcmp(c, "one")) {
        fill(s, 1);
    } else if (!strcmp(c, "many")) {
        fill(s, MAX_P);
    } else if (!strcmp(c, "zero")) {
        fill(s, 8);
        for (size_t j = 0; j < 8; j++)
            s->phi[j] = s->se[j] = 0;
        s->e.prediction = s->e.base_value;
    } else if (!strcmp(c, "negative")) {
        fill(s, 8);
        s->e.prediction = s->e.base_value;
        for (size_t j = 0; j < 8; j++) {
            s->phi[j] = -fabs(s->phi[j]) - 0.01;
            s->e.prediction += s->phi[j];
        }
    } else if (!strcmp(c, "nan")) {
        fill(s, 8);
        s->x[0] = s->x[3] = NAN;
        s->phi[5] = NAN;
        s->se[2] = NAN;
    } else if (!strcmp(c, "tiny")) {
        fill(s, 8);
        for (size_t j = 0; j < 8; j++) {
            s->phi[j] *= 1e-12;
            s->x[j] *= 1e-9;
        }
        s->e.base_value = 1e-13;
        s->e.prediction = 2e-12;
    } else if (!strcmp(c, "huge")) {
        fill(s, 8);
        for (size_t j = 0; j < 8; j++) {
            s->phi[j] *= -3.7e11;
            s->x[j] *= 1e15;
        }
        s->e.base_value = 123456789012.0;
        s->e.prediction = s->e.base_value;
        for (size_t j = 0; j < 8; j++)
            s->e.prediction += s->phi[j];
    } else if (!strcmp(c, "long")) {
        fill(s, 8);
        s->names[1] = long_name;
        s->names[2] = long_name + 20;
    } else if (!strcmp(c, "escape")) {
        fill(s, 8);
        s->names[1] = escape_name;
    } else if (!strcmp(c, "lime")) {
        make_lime(s);
    } else if (!strcmp(c, "degenerate")) {
        /* issue 17: linear model {"intercept":[66],"coef":[[3,2]]} over
         * background rows 0.1,0.7 / 0.2,0.1 / 0.3,0.3 at the row
         * 0.20000000000001,0.36666666666666664: the path spans 3 ULPs */
        fill(s, 2);
        s->names[0] = "a";
        s->names[1] = "b";
        s->x[0] = 0.20000000000001;
        s->x[1] = 0.36666666666666664;
        s->phi[0] = 2.9976021664879227e-14;
        s->phi[1] = 0;
        s->se[0] = s->se[1] = 0;
        s->e.method = "linear-shap";
        s->e.base_value = 67.333333333333329;
        s->e.prediction = 67.333333333333371;
    } else if (!strcmp(c, "top3")) {
        fill(s, 8);
        *top_k = 3;
    } else {
        fill(s, 8);
        s->e.output = 2;
        s->e.n_outputs = 3;
        s->e.method = "tree-shap";
        s->e.std_errors = NULL;
    }
}

/* ------------------------------------------------------------- helpers */

struct mem {
    char *buf;
    size_t len;
    FILE *fp;
};

static FILE *mem_open(struct mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    ck_assert_ptr_nonnull(m->fp);
    return m->fp;
}

static char *mem_close(struct mem *m)
{
    ck_assert_int_eq(fclose(m->fp), 0);
    return m->buf;
}

static int update_golden(void)
{
    const char *u = getenv("XPL_UPDATE_GOLDEN");
    return u && *u && strcmp(u, "0") != 0;
}

/* Compare with tests/fixtures/render/NAME, reporting the first difference
 * by line. */
static void golden(const char *name, const char *got)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/render/%s", name);
    const char *path = src_path(rel);
    if (update_golden()) {
        FILE *f = fopen(path, "wb");
        ck_assert_msg(f != NULL, "cannot write %s", path);
        fputs(got, f);
        ck_assert_int_eq(fclose(f), 0);
        return;
    }
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "missing golden file %s (XPL_UPDATE_GOLDEN=1 "
                  "creates it)", path);
    struct mem m;
    FILE *out = mem_open(&m);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, out);
    fclose(f);
    char *want = mem_close(&m);
    if (strcmp(want, got) != 0) {
        size_t line = 1, i = 0;
        while (want[i] && want[i] == got[i]) {
            line += want[i] == '\n';
            i++;
        }
        ck_abort_msg("%s differs at line %zu: expected \"%.60s\", got "
                     "\"%.60s\"", name, line, want + i, got + i);
    }
    free(want);
}

static char *render_svg_case(size_t k, xpl_chart chart)
{
    struct sample s;
    size_t top_k;
    make_case(&s, k, &top_k);
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.top_k = top_k;
    o.chart = chart;
    struct mem m;
    FILE *fp = mem_open(&m);
    int rc = xpl_render_svg(fp, &s.e, 1, &o);
    ck_assert_msg(rc == XPL_OK, "%s: %s", cases[k], xpl_last_error());
    return mem_close(&m);
}

/* Importance over n synthetic rows of a p-feature, d-output model. */
/* Interaction values shaped like a row's contributions, for the
 * interactions chart: the main effects on the diagonal, pairs in
 * proportion to both features' contributions (NaN where one is NaN), the
 * bias row and column 0. in: (p+1)^2. */
static void synthetic_interactions(const double *phi, size_t p, double *in)
{
    for (size_t i = 0; i <= p; i++)
        for (size_t j = 0; j <= p; j++)
            in[i * (p + 1) + j] =
                i == p || j == p ? 0
                : i == j         ? phi[i]
                                 : 0.3 * phi[i] * phi[j] *
                                       (double)(1 + (i + j) % 3);
}

static xpl_importance *importance_fixture(size_t p, size_t d, size_t n,
                                          const char *method)
{
    struct sample s;
    fill(&s, p);
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, p, d, s.names), XPL_OK);
    uint64_t state = 42;
    double *inter = malloc((p + 1) * (p + 1) * sizeof *inter);
    ck_assert_ptr_nonnull(inter);
    s.e.method = method;
    s.e.n_outputs = d;
    s.e.std_errors = NULL;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++) {
            for (size_t j = 0; j < p; j++) {
                state = state * 6364136223846793005u + 1442695040888963407u;
                double u = (double)(state >> 11) / 9007199254740992.0;
                s.x[j] = j == 2 && i % 7 == 0 ? NAN : 10 * u;
                /* the value drives the contribution, as in a real model */
                s.phi[j] = (u - 0.5) * 0.4 * (double)(p - j) / (double)p +
                           0.05 * (double)k;
            }
            /* interaction values come from TreeSHAP only */
            if (strcmp(method, "tree-shap") == 0) {
                synthetic_interactions(s.phi, p, inter);
                s.e.interactions = inter;
            }
            s.e.row = i;
            s.e.output = k;
            ck_assert_int_eq(xpl_importance_add(imp, &s.e), XPL_OK);
        }
    free(inter);
    return imp;
}

/* Chart kinds by name, per row and over rows. */
static const struct {
    const char *name;
    xpl_chart chart;
} row_kinds[] = {
    { "bar", XPL_CHART_BAR },
    { "waterfall", XPL_CHART_WATERFALL },
    { "force", XPL_CHART_FORCE },
}, imp_kinds[] = {
    { "bar", XPL_CHART_BAR },
    { "beeswarm", XPL_CHART_BEESWARM },
    { "stacked", XPL_CHART_STACKED },
    { "dependence", XPL_CHART_DEPENDENCE },
    { "decision", XPL_CHART_DECISION },
    { "heatmap", XPL_CHART_HEATMAP },
    { "force", XPL_CHART_FORCE },
    { "interactions", XPL_CHART_INTERACTIONS },
};
enum { N_ROW_KINDS = 3, N_IMP_KINDS = 8 };

static char *render_importance(const xpl_importance *imp, xpl_chart chart,
                               size_t top_k)
{
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.chart = chart;
    o.top_k = top_k;
    /* dependence: the first feature, coloured by its strongest partner */
    o.feature = imp->names[0];
    o.color_by = "auto";
    struct mem m;
    FILE *fp = mem_open(&m);
    int rc = xpl_importance_render_svg(fp, imp, &o);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return mem_close(&m);
}

static char *render_model(const char *rel, size_t top_k, int *rc)
{
    xpl_model *m;
    ck_assert_int_eq(xpl_model_load(&m, src_path(rel)), XPL_OK);
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.chart = XPL_CHART_COEFFICIENTS;
    o.top_k = top_k;
    struct mem mm;
    FILE *fp = mem_open(&mm);
    *rc = xpl_model_render_svg(fp, m, &o);
    xpl_model_free(m);
    return mem_close(&mm);
}

/* A complete depth-8 tree (511 nodes, heap order) over 12 features with
 * long names, as a JSON model: the deepest outline to draw. */
static xpl_model *deep_tree_model(void)
{
    struct mem mm;
    FILE *fp = mem_open(&mm);
    fputs("{\"type\":\"tree_ensemble\",\"link\":\"logit\",\"feature_names\":[",
          fp);
    for (int j = 0; j < 12; j++)
        fprintf(fp, "%s\"customer_transaction_history_feature_%02d\"",
                j ? "," : "", j);
    fputs("],\"n_outputs\":1,\"aggregation\":\"sum\",\"base_score\":[0],"
          "\"threshold_type\":\"float64\",\"comparison\":\"<\",\"trees\":"
          "[{\"output\":0", fp);
    const char *keys[] = { "feature", "threshold", "left", "right",
                           "default_left", "value", "cover" };
    for (int k = 0; k < 7; k++) {
        fprintf(fp, ",\"%s\":[", keys[k]);
        for (int i = 0; i < 511; i++) {
            int leaf = i >= 255, depth = 0;
            for (int v = i + 1; v > 1; v /= 2)
                depth++;
            fputs(i ? "," : "", fp);
            switch (k) {
            case 0: fprintf(fp, "%d", leaf ? -1 : depth + (i % 3)); break;
            case 1: fprintf(fp, "%.4f", leaf ? 0 : 0.37 * i - 20); break;
            case 2: fprintf(fp, "%d", leaf ? -1 : 2 * i + 1); break;
            case 3: fprintf(fp, "%d", leaf ? -1 : 2 * i + 2); break;
            case 4: fprintf(fp, "%d", i % 2); break;
            case 5: fprintf(fp, "%.5f", leaf ? ((i * 37) % 101 - 50) / 97.0
                                             : 0); break;
            default: fprintf(fp, "%d", 1 << (12 - depth)); break;
            }
        }
        fputc(']', fp);
    }
    fputs("}]}", fp);
    char *json = mem_close(&mm);
    xpl_model *m;
    int rc = xpl_model_load_buffer(&m, json, strlen(json), "deep tree");
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    free(json);
    return m;
}

static char *render_tree(const xpl_model *m, size_t tree, int *rc)
{
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.chart = XPL_CHART_TREE;
    o.tree = tree;
    struct mem mm;
    FILE *fp = mem_open(&mm);
    *rc = xpl_model_render_svg(fp, m, &o);
    return mem_close(&mm);
}

/* Importance over 12 rows shaped like edge case k: the case's row with
 * its contributions and values scaled by 0.5 to 1.875 (signs, zeros, NaNs
 * and names kept), for the case's output. */
static xpl_importance *importance_case(size_t k)
{
    struct sample s;
    size_t top_k;
    make_case(&s, k, &top_k);
    size_t p = s.e.n_features;
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, p, s.e.n_outputs, s.names),
                     XPL_OK);
    double phi0[MAX_P], x0[MAX_P];
    double *inter = malloc((p + 1) * (p + 1) * sizeof *inter);
    ck_assert_ptr_nonnull(inter);
    memcpy(phi0, s.phi, sizeof phi0);
    memcpy(x0, s.x, sizeof x0);
    for (size_t i = 0; i < 12; i++) {
        double f = 0.5 + (double)i / 8;
        for (size_t j = 0; j < p; j++) {
            s.phi[j] = phi0[j] * f;
            s.x[j] = x0[j] * f;
        }
        synthetic_interactions(s.phi, p, inter);
        s.e.interactions = inter;
        s.e.row = i;
        ck_assert_int_eq(xpl_importance_add(imp, &s.e), XPL_OK);
    }
    free(inter);
    return imp;
}

/* ------------------------------------------------------ layout checker */

struct box {
    double x0, y0, x1, y1;
    int white; /* text drawn on a shape (inside a waterfall arrow) */
};

struct layout {
    double width, height;
    struct box *texts, *shapes;
    size_t n_texts, n_shapes, cap_texts, cap_shapes;
};

static void push(struct box **v, size_t *n, size_t *cap, struct box b)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *v = realloc(*v, *cap * sizeof **v);
        if (!*v)
            ck_abort_msg("out of memory");
    }
    (*v)[(*n)++] = b;
}

/* The value of attribute NAME in the tag starting at `tag` (up to '>'). */
static int attr(const char *tag, const char *name, char *out, size_t size)
{
    const char *end = strchr(tag, '>');
    size_t klen = strlen(name);
    for (const char *p = tag; p && p < end; p = strchr(p + 1, ' ')) {
        if (strncmp(p + 1, name, klen) != 0 || p[1 + klen] != '=' ||
            p[2 + klen] != '"')
            continue;
        p += klen + 3;
        const char *q = strchr(p, '"');
        size_t n = (size_t)(q - p) < size - 1 ? (size_t)(q - p) : size - 1;
        memcpy(out, p, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

static double num_attr(const char *tag, const char *name)
{
    char v[64];
    if (!attr(tag, name, v, sizeof v))
        ck_abort_msg("no %s in %.80s", name, tag);
    return strtod(v, NULL);
}

static void in_canvas(const struct layout *l, double x, double y,
                      const char *what)
{
    /* if + abort rather than ck_assert: a passing Check assertion logs its
     * location, which costs a system call in loops over thousands of dots */
    if (!(x >= -0.01 && x <= l->width + 0.01 && y >= -0.01 &&
          y <= l->height + 0.01))
        ck_abort_msg("%s at (%g, %g) is off the %gx%g canvas", what, x, y,
                     l->width, l->height);
}

/* Character data of a <text> with the five XML entities decoded. */
static void text_content(const char *p, char *out, size_t size)
{
    size_t n = 0;
    while (*p && *p != '<' && n + 1 < size) {
        static const struct { const char *ent; char c; } ents[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
            { "&quot;", '"' }, { "&apos;", '\'' },
        };
        int done = 0;
        for (size_t k = 0; k < 5 && !done; k++)
            if (!strncmp(p, ents[k].ent, strlen(ents[k].ent))) {
                out[n++] = ents[k].c;
                p += strlen(ents[k].ent);
                done = 1;
            }
        if (!done)
            out[n++] = *p++;
    }
    out[n] = '\0';
}

static void parse_layout(const char *svg, struct layout *l)
{
    memset(l, 0, sizeof *l);
    const char *root = strstr(svg, "<svg ");
    ck_assert_ptr_nonnull(root);
    l->width = num_attr(root, "width");
    l->height = num_attr(root, "height");
    char vb[64], want[64];
    ck_assert(attr(root, "viewBox", vb, sizeof vb));
    snprintf(want, sizeof want, "0 0 %g %g", l->width, l->height);
    ck_assert_str_eq(vb, want);
    double stack[16];
    size_t depth = 0;
    double dy = 0;
    for (const char *p = strchr(root + 1, '<'); p; p = strchr(p + 1, '<')) {
        if (!strncmp(p, "<g", 2) && (p[2] == ' ' || p[2] == '>')) {
            double t = 0;
            const char *tr = strstr(p, "transform=\"translate(0,");
            if (tr && tr < strchr(p, '>'))
                t = strtod(tr + strlen("transform=\"translate(0,"), NULL);
            if (depth >= 16)
                ck_abort_msg("groups nested too deep");
            stack[depth++] = t;
            dy += t;
        } else if (!strncmp(p, "</g>", 4)) {
            if (depth == 0)
                ck_abort_msg("</g> without <g>");
            dy -= stack[--depth];
        } else if (!strncmp(p, "<text ", 6)) {
            double x = num_attr(p, "x"), y = num_attr(p, "y") + dy;
            char v[64], content[1024];
            in_canvas(l, x, y, "text anchor");
            if (attr(p, "transform", v, sizeof v))
                continue; /* rotated legend title: anchor checked only */
            double px = num_attr(p, "font-size");
            int bold = attr(p, "font-weight", v, sizeof v);
            const char *body = strchr(p, '>') + 1;
            if (!strncmp(body, "<title>", 7)) /* a label's tooltip */
                body = strstr(body, "</title>") + 8;
            text_content(body, content, sizeof content);
            double w = xpl__text_width(content, strlen(content), px, bold);
            const char *anchor = attr(p, "text-anchor", v, sizeof v) ? v
                                                                      : "start";
            double x0 = !strcmp(anchor, "end") ? x - w
                        : !strcmp(anchor, "middle") ? x - w / 2 : x;
            char fillc[16] = "";
            attr(p, "fill", fillc, sizeof fillc);
            struct box b = { x0, y - 0.76 * px, x0 + w, y + 0.24 * px,
                             !strcmp(fillc, "#ffffff") };
            in_canvas(l, b.x0, b.y0, content);
            in_canvas(l, b.x1, b.y1, content);
            push(&l->texts, &l->n_texts, &l->cap_texts, b);
        } else if (!strncmp(p, "<rect ", 6)) {
            char fillc[32] = "";
            attr(p, "fill", fillc, sizeof fillc);
            double x = num_attr(p, "x"), y = num_attr(p, "y") + dy;
            double w = num_attr(p, "width"), h = num_attr(p, "height");
            if (!(w >= 0 && h >= 0))
                ck_abort_msg("rect of size %g x %g", w, h);
            in_canvas(l, x, y, "rect");
            in_canvas(l, x + w, y + h, "rect");
            if (strcmp(fillc, "#ffffff") != 0) /* not the background */
                push(&l->shapes, &l->n_shapes, &l->cap_shapes,
                     (struct box){ x, y, x + w, y + h, 0 });
        } else if (!strncmp(p, "<circle ", 8)) {
            double x = num_attr(p, "cx"), y = num_attr(p, "cy") + dy;
            double r = num_attr(p, "r");
            in_canvas(l, x - r, y - r, "circle");
            in_canvas(l, x + r, y + r, "circle");
            push(&l->shapes, &l->n_shapes, &l->cap_shapes,
                 (struct box){ x - r, y - r, x + r, y + r, 0 });
        } else if (!strncmp(p, "<line ", 6)) {
            in_canvas(l, num_attr(p, "x1"), num_attr(p, "y1") + dy, "line");
            in_canvas(l, num_attr(p, "x2"), num_attr(p, "y2") + dy, "line");
        } else if (!strncmp(p, "<polygon ", 9)) {
            static char pts[1 << 18]; /* 500 rows of a force plot */
            if (!attr(p, "points", pts, sizeof pts))
                ck_abort_msg("polygon without points");
            if (strlen(pts) + 1 >= sizeof pts)
                ck_abort_msg("polygon's points too long for the checker");
            struct box b = { 1e9, 1e9, -1e9, -1e9, 0 };
            for (char *q = pts; *q;) {
                char *e1;
                double x = strtod(q, &e1);
                double y = strtod(e1 + 1, &q) + dy;
                in_canvas(l, x, y, "polygon");
                b.x0 = fmin(b.x0, x);
                b.x1 = fmax(b.x1, x);
                b.y0 = fmin(b.y0, y);
                b.y1 = fmax(b.y1, y);
                while (*q == ' ')
                    q++;
            }
            push(&l->shapes, &l->n_shapes, &l->cap_shapes, b);
        }
    }
    ck_assert_uint_eq(depth, 0);
}

static int overlap(const struct box *a, const struct box *b)
{
    const double slack = 0.5; /* touching is fine */
    return a->x0 < b->x1 - slack && b->x0 < a->x1 - slack &&
           a->y0 < b->y1 - slack && b->y0 < a->y1 - slack;
}

static int inside(const struct box *t, const struct box *s)
{
    return t->x0 >= s->x0 && t->x1 <= s->x1 && t->y0 >= s->y0 - 3 &&
           t->y1 <= s->y1 + 3;
}

/* Every text and shape on the canvas, no two texts overlapping, no text on
 * a bar or dot except white text inside its arrow. */
static void check_layout(const char *svg, const char *what)
{
    struct layout l;
    parse_layout(svg, &l);
    ck_assert_msg(l.n_texts > 0, "%s: no text", what);
    for (size_t i = 0; i < l.n_texts; i++) {
        const struct box *a = &l.texts[i];
        for (size_t k = i + 1; k < l.n_texts; k++)
            if (overlap(a, &l.texts[k]))
                ck_abort_msg("%s: texts %zu and %zu overlap ([%g,%g]x[%g,%g] "
                             "and [%g,%g]x[%g,%g])", what, i, k, a->x0, a->x1,
                             a->y0, a->y1, l.texts[k].x0, l.texts[k].x1,
                             l.texts[k].y0, l.texts[k].y1);
        int on_shape = 0;
        for (size_t k = 0; k < l.n_shapes; k++) {
            if (a->white && inside(a, &l.shapes[k])) {
                on_shape = 1;
                continue;
            }
            if (overlap(a, &l.shapes[k]))
                ck_abort_msg("%s: text %zu ([%g,%g]x[%g,%g]) is on a shape "
                             "([%g,%g]x[%g,%g])", what, i, a->x0, a->x1, a->y0,
                             a->y1, l.shapes[k].x0, l.shapes[k].x1,
                             l.shapes[k].y0, l.shapes[k].y1);
        }
        ck_assert_msg(!a->white || on_shape, "%s: white text %zu is not "
                      "inside an arrow", what, i);
    }
    free(l.texts);
    free(l.shapes);
}

/* ------------------------------------------------------ numbers */

static const struct {
    double v;
    int sig, flags;
    const char *want;
} numbers[] = {
    { 0, 3, 0, "0" },
    { -0.0, 3, XPL__NUM_PLUS, "0" },
    { 1, 3, 0, "1" },
    { 1.5, 3, XPL__NUM_PLUS, "+1.5" },
    { -1.5, 3, XPL__NUM_PLUS, "-1.5" },
    { 3.14159, 3, 0, "3.14" },
    { 0.0123456, 3, 0, "0.0123" },
    { 0.001, 3, 0, "0.001" },
    { 0.000999, 3, 0, "9.99e-4" },
    { 0.00099999, 3, 0, "0.001" },   /* rounding crosses into fixed */
    { 12345, 3, 0, "12,300" },
    { 1234.5678, 6, 0, "1,234.57" },
    { 1234.5678, 6, XPL__NUM_NOGROUP, "1234.57" },
    { 999.96, 3, 0, "1,000" },
    { 999999.6, 3, 0, "1e6" },       /* rounding crosses into scientific */
    { 123456, 3, 0, "123,000" },
    { 1234567, 3, 0, "1.23e6" },
    { -4.5e-7, 3, 0, "-4.5e-7" },
    { 6.02214076e23, 3, 0, "6.02e23" },
    { 1e-300, 3, 0, "1e-300" },
    { 1.7976931348623157e308, 3, 0, "1.8e308" },
    { 4.9406564584124654e-324, 3, 0, "4.94e-324" },
    { 2.5, 1, 0, "3" },              /* %e rounds half to even: 2 or 3 */
    { 100, 3, 0, "100" },
    { 0.1, 17, 0, "0.10000000000000001" },
    { -2.5e-5, 3, XPL__NUM_MINUS, "\xe2\x88\x92" "2.5e\xe2\x88\x92" "5" },
    { NAN, 3, 0, "NA" },
    { INFINITY, 3, XPL__NUM_PLUS, "+inf" },
    { -INFINITY, 3, 0, "-inf" },
};

START_TEST(number_known_answers)
{
    char buf[XPL__NUM_SIZE];
    xpl__fmt_num(buf, numbers[_i].v, numbers[_i].sig, numbers[_i].flags);
    if (numbers[_i].v == 2.5 && numbers[_i].sig == 1)
        ck_assert_msg(!strcmp(buf, "2") || !strcmp(buf, "3"), "%s", buf);
    else
        ck_assert_msg(!strcmp(buf, numbers[_i].want), "%.17g at %d: got "
                      "\"%s\", expected \"%s\"", numbers[_i].v,
                      numbers[_i].sig, buf, numbers[_i].want);
}
END_TEST

START_TEST(number_json_csv_coord)
{
    char buf[XPL__NUM_SIZE];
    xpl__fmt_json(buf, 0.1);
    ck_assert_str_eq(buf, "0.1");
    xpl__fmt_json(buf, NAN);
    ck_assert_str_eq(buf, "null");
    xpl__fmt_json(buf, -INFINITY);
    ck_assert_str_eq(buf, "null");
    xpl__fmt_json(buf, 1e300);
    ck_assert_str_eq(buf, "1e+300");
    xpl__fmt_csv(buf, -0.0);
    ck_assert_str_eq(buf, "-0");
    char pub[XPL_DOUBLE_CHARS];
    ck_assert_uint_eq(xpl_format_double(pub, 1.5e-7), 6);
    ck_assert_str_eq(pub, "1.5e-7");
    xpl_format_double(pub, NAN);
    ck_assert_str_eq(pub, "nan");
    xpl__fmt_csv(buf, NAN);
    ck_assert_str_eq(buf, "");
    xpl__fmt_csv(buf, -2);
    ck_assert_str_eq(buf, "-2");
    xpl__fmt_coord(buf, 12.34);
    ck_assert_str_eq(buf, "12.3");
    xpl__fmt_coord(buf, 40.04);
    ck_assert_str_eq(buf, "40");
    xpl__fmt_coord(buf, -0.04);
    ck_assert_str_eq(buf, "0");
    xpl__fmt_coord(buf, -0.5);
    ck_assert_str_eq(buf, "-0.5");
    /* every output reads back to the same double */
    double v[] = { 1.3376854002438268, -5.627300782964085, 1e-310, 3e200 };
    for (size_t k = 0; k < 4; k++) {
        xpl__fmt_json(buf, v[k]);
        ck_assert(strtod(buf, NULL) == v[k]);
    }
}
END_TEST

START_TEST(nice_ticks_known_answers)
{
    double first, step;
    size_t n = xpl__nice_ticks(-0.811, 1.52, 5, &first, &step);
    ck_assert_double_eq_tol(step, 0.5, 1e-15);
    ck_assert_double_eq_tol(first, -0.5, 1e-15);
    ck_assert_uint_eq(n, 5); /* -0.5 0 0.5 1 1.5 */
    n = xpl__nice_ticks(0, 1, 6, &first, &step);
    ck_assert_double_eq_tol(step, 0.2, 1e-15);
    ck_assert_uint_eq(n, 6);
    n = xpl__nice_ticks(1000.01, 1000.02, 3, &first, &step);
    ck_assert_double_eq_tol(step, 0.005, 1e-12);
    ck_assert_uint_eq(n, 3);
    /* digits enough to tell those ticks apart */
    ck_assert_int_eq(xpl__tick_digits(1000.02, 0.005), 7);
    ck_assert_int_eq(xpl__tick_digits(1.5, 0.5), 3);
}
END_TEST

START_TEST(text_width_and_fit)
{
    /* digits are all as wide, and 'W' is wider than 'i' */
    ck_assert_double_eq(xpl__text_width("1", 1, 10, 0),
                        xpl__text_width("8", 1, 10, 0));
    ck_assert(xpl__text_width("W", 1, 10, 0) >
              2 * xpl__text_width("i", 1, 10, 0));
    ck_assert(xpl__text_width("ab", 2, 12, 1) > xpl__text_width("ab", 2, 12, 0));
    /* a UTF-8 character counts once, an invalid byte as U+FFFD */
    double e_acute = xpl__text_width("\xc3\xa9", 2, 10, 0);
    ck_assert(e_acute > 5 && e_acute < 10);
    ck_assert(xpl__text_width("\xff", 1, 10, 0) > 10);
    int cut;
    ck_assert_uint_eq(xpl__text_fit("short", 1000, 12, 0, &cut), 5);
    ck_assert_int_eq(cut, 0);
    /* cut on a character boundary: never inside the 3-byte character */
    const char *s = "ab\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad";
    for (double w = 10; w < 60; w += 1) {
        size_t keep = xpl__text_fit(s, w, 12, 0, &cut);
        ck_assert_int_eq(cut, 1);
        ck_assert_msg(keep <= 2 || (keep - 2) % 3 == 0, "cut at %zu", keep);
        ck_assert(xpl__text_width(s, keep, 12, 0) +
                      xpl__text_width("\xe2\x80\xa6", 3, 12, 0) <= w ||
                  keep == 0);
    }
}
END_TEST

START_TEST(xml_escape_is_well_formed)
{
    struct mem m;
    FILE *fp = mem_open(&m);
    xpl__xml_escape(fp, escape_name, strlen(escape_name));
    char *out = mem_close(&m);
    ck_assert_str_eq(out, "&lt;b&gt;&amp;&quot;x&quot; \xef\xbf\xbd caf"
                          "\xc3\xa9 \xef\xbf\xbd \xe4\xb8\xad");
    free(out);
    /* truncated and overlong sequences, surrogates */
    fp = mem_open(&m);
    static const char bad[] = "\xe4\xb8|\xc0\xaf|\xed\xa0\x80|";
    xpl__xml_escape(fp, bad, sizeof bad - 1);
    out = mem_close(&m);
    ck_assert_str_eq(out, "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|");
    free(out);
}
END_TEST

/* ------------------------------------------------------ JSON and CSV */

START_TEST(json_kernel_shap_schema)
{
    /* byte for byte the Kernel SHAP writer's format (docs/kernel-shap.md) */
    const char *names[] = { "a", "b \"q\"\n" };
    double x[] = { 13.4, NAN }, phi[] = { -0.0517, 1.25 }, se[] = { 0, 0.5 };
    xpl_explanation e = { 7, 1, 3, "kernel-shap", 2, names, x, phi, se,
                          1.3376854002438268, -5.627300782964085, NULL, NULL,
                          NAN, NAN, NAN, NULL, NULL };
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_json(fp, &e), XPL_OK);
    char *out = mem_close(&m);
    ck_assert_str_eq(out,
        "{\"row\":7,\"output\":1,\"method\":\"kernel-shap\",\"base_value\":"
        "1.3376854002438268,\"prediction\":-5.627300782964085,\"features\":"
        "[{\"name\":\"a\",\"value\":13.4,\"contribution\":"
        "-0.0517,\"std_error\":0},{\"name\":\"b \\\"q\\\"\\n\","
        "\"value\":null,\"contribution\":1.25,\"std_error\":0.5}]}\n");
    free(out);
    /* exact methods: no std_error key */
    e.std_errors = NULL;
    e.method = "tree-shap";
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_json(fp, &e), XPL_OK);
    out = mem_close(&m);
    ck_assert_ptr_null(strstr(out, "std_error"));
    ck_assert_ptr_nonnull(strstr(out, "\"contribution\":1.25}"));
    free(out);
}
END_TEST

START_TEST(json_lime_and_interactions)
{
    struct sample s;
    make_lime(&s);
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_json(fp, &s.e), XPL_OK);
    char *lime = mem_close(&m);

    fill(&s, 4);
    s.e.method = "tree-shap";
    s.e.std_errors = NULL;
    for (size_t k = 0; k < 25; k++)
        s.inter[k] = k % 5 == k / 5 ? 0.25 * (double)k : -0.125;
    /* JSON has no NaN or infinity: NaN is null, an infinity a string */
    s.inter[23] = NAN;
    s.inter[24] = INFINITY;
    s.e.interactions = s.inter;
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_json(fp, &s.e), XPL_OK);
    char *inter = mem_close(&m);
    ck_assert_ptr_nonnull(strstr(inter, "\"interactions\":[[0,-0.125,-0.125,"
                                        "-0.125,-0.125],"));
    ck_assert_ptr_nonnull(strstr(inter, ",-0.125,null,\"inf\"]]}\n"));

    size_t len = strlen(lime) + strlen(inter) + 1;
    char *both = malloc(len);
    snprintf(both, len, "%s%s", lime, inter);
    golden("lime_and_interactions.jsonl", both);
    free(both);
    free(lime);
    free(inter);
}
END_TEST

START_TEST(csv_quoting_and_cells)
{
    const char *names[] = { "plain", "with,comma", "say \"hi\"", "two\nlines",
                            " padded" };
    double x[5] = { 0 }, phi[] = { 0.5, -1e-20, NAN, 3, INFINITY };
    xpl_explanation e = { 2, 0, 1, "tree-shap", 5, names, x, phi, NULL, 0.25,
                          3.75, NULL, NULL, NAN, NAN, NAN, NULL, NULL };
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_csv_header(fp, &e), XPL_OK);
    ck_assert_int_eq(xpl_render_csv_row(fp, &e), XPL_OK);
    char *out = mem_close(&m);
    ck_assert_str_eq(out,
        "row,output,method,base_value,prediction,plain,\"with,comma\","
        "\"say \"\"hi\"\"\",\"two\nlines\",\" padded\"\n"
        "2,0,tree-shap,0.25,3.75,0.5,-1e-20,,3,inf\n");
    free(out);
}
END_TEST

/* ------------------------------------------------------------ text */

static char *render_text(const xpl_explanation *e, size_t top_k, int color,
                         xpl_workspace *ws)
{
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.top_k = top_k;
    o.color = color;
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_text(fp, e, &o, ws), XPL_OK);
    return mem_close(&m);
}

static void strip_ansi(char *s)
{
    char *o = s;
    for (char *p = s; *p;) {
        if (*p == '\033') {
            while (*p && *p != 'm')
                p++;
            if (*p)
                p++;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

START_TEST(text_tables_golden)
{
    static const char *const which[] = { "typical", "top3", "nan", "lime",
                                         "multiclass", "zero", "long" };
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    struct mem all;
    FILE *fp = mem_open(&all);
    for (size_t w = 0; w < sizeof which / sizeof which[0]; w++) {
        size_t k = 0;
        while (strcmp(cases[k], which[w]))
            k++;
        struct sample s;
        size_t top_k;
        make_case(&s, k, &top_k);
        char *plain = render_text(&s.e, top_k, 0, ws);
        char *color = render_text(&s.e, top_k, 1, NULL);
        ck_assert_ptr_null(strchr(plain, '\033'));
        ck_assert_ptr_nonnull(strchr(color, '\033'));
        /* colour only adds escapes around the same text */
        strip_ansi(color);
        ck_assert_str_eq(color, plain);
        fputs(plain, fp);
        free(plain);
        free(color);
    }
    char *out = mem_close(&all);
    golden("tables.txt", out);
    free(out);
    xpl_workspace_free(ws);
}
END_TEST

START_TEST(text_other_and_single_leftover)
{
    struct sample s;
    fill(&s, 8);
    char *out = render_text(&s.e, 7, 0, NULL);
    /* one leftover feature is shown itself */
    ck_assert_ptr_null(strstr(out, "other"));
    ck_assert_ptr_nonnull(strstr(out, "perimeter"));
    free(out);
    out = render_text(&s.e, 2, 0, NULL);
    ck_assert_ptr_nonnull(strstr(out, "other 6 features"));
    /* the rest sums to -0.0517 + 0.3 - 0.13 + 0.05 + 0.0021 + 0.00001 */
    ck_assert_ptr_nonnull(strstr(out, "+0.17"));
    ck_assert_ptr_null(strstr(out, "smoothness"));
    free(out);
}
END_TEST

/* Control bytes and wide characters in names. */
static const char ctl_name[] = "evil\033[31mred\033[0m";
static const char nl_name[] = "two\nlines\r\tand\x7f";
static const char c1_name[] = "c1 \xc2\x9b" "31m csi";
static const char wide_name[] = "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d"; /* 3 wide */
static const char narrow_name[] = "abcdef";                          /* 6 cols */
static const char combining_name[] = "cafe\xcc\x81";                /* 4 cols */

START_TEST(text_term_width_and_cells)
{
    ck_assert_uint_eq(xpl__term_width("abc"), 3);
    ck_assert_uint_eq(xpl__term_width(wide_name), 6);
    ck_assert_uint_eq(xpl__term_width(combining_name), 4);
    ck_assert_uint_eq(xpl__term_width("\xef\xbc\xa1"), 2);   /* fullwidth A */
    ck_assert_uint_eq(xpl__term_width("\xf0\x9f\x98\x80"), 2); /* emoji */
    ck_assert_uint_eq(xpl__term_width("a\x01"), 5);          /* a \x01 */
    ck_assert_uint_eq(xpl__term_width("\x7f"), 4);
    ck_assert_uint_eq(xpl__term_width("\xc2\x9b"), 8);       /* C1: 2 bytes */
    ck_assert_uint_eq(xpl__term_width("\xff" "a"), 5);       /* invalid */
    ck_assert_uint_eq(xpl__term_width("\xe4\xb8"), 8);       /* cut short */
    ck_assert_uint_eq(xpl__term_width("\xc0\xaf"), 8);       /* overlong */
    ck_assert_uint_eq(xpl__term_width("\xed\xa0\x80"), 12);  /* surrogate */
    static const struct {
        const char *s;
        size_t width;
        int right;
        const char *want;
    } cells[] = {
        { "ab", 4, 0, "ab  " },
        { "ab", 4, 1, "  ab" },
        { "\033[1m", 10, 0, "\\x1b[1m   " },
        { "a\nb", 6, 1, "a\\x0ab" },
        { "x\xc2\x9by", 10, 0, "x\\xc2\\x9by" },
        { "\xe4\xb8\xad" "ab", 6, 1, "  \xe4\xb8\xad" "ab" },
        /* cut to whole characters: a wide one that does not fit goes, and
         * the cell is padded back to its width */
        { "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d", 5, 0, "\xe4\xb8\xad..." },
        { "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d", 6, 0, "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d" },
        { "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d\xe5\xad\x97", 6, 0,
          "\xe4\xb8\xad... " },
        { "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d\xe5\xad\x97", 6, 1,
          " \xe4\xb8\xad..." },
        { "abcdefgh", 6, 0, "abc..." },
        /* an escape is never split */
        { "ab\033cdefgh", 8, 0, "ab...   " },
        { "ab\033cdefgh", 10, 0, "ab\\x1bc..." },
        /* a combining mark stays with its letter */
        { "abce\xcc\x81xyzw", 7, 0, "abce\xcc\x81..." },
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        xpl__buf b;
        xpl__buf_init(&b, NULL, 0);
        xpl__put_cell(&b, cells[i].s, cells[i].width, cells[i].right);
        xpl__buf_putc(&b, '\0');
        ck_assert(!b.failed);
        char *got = b.data;
        ck_assert_msg(strcmp(got, cells[i].want) == 0, "cell %zu: \"%s\", "
                      "expected \"%s\"", i, got, cells[i].want);
        ck_assert_uint_eq(xpl__term_width(got), cells[i].width);
        free(got);
    }
}
END_TEST

/* Lines that make up the feature rows of a table: no raw control byte but
 * the line ends, and all `cols` columns wide up to the first `stop`
 * character (or the end). Returns the number of lines checked. */
static size_t check_rows(char *out, const char *first, const char *last,
                         char stop, size_t *cols)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p != 0x7f),
                      "raw control byte 0x%02x in \"%s\"", *p, out);
    char *a = strstr(out, first);
    ck_assert_ptr_nonnull(a);
    a = strchr(a, '\n') + 1;
    char *b = strstr(a, last);
    ck_assert_ptr_nonnull(b);
    size_t lines = 0;
    while (a < b) {
        char *nl = strchr(a, '\n');
        *nl = '\0';
        char *cut = stop ? strchr(a, stop) : NULL;
        if (cut)
            *cut = '\0';
        size_t w = xpl__term_width(a);
        if (!*cols)
            *cols = w;
        ck_assert_msg(w == *cols, "line \"%s\" is %zu columns, not %zu", a, w,
                      *cols);
        if (cut)
            *cut = stop;
        *nl = '\n';
        a = nl + 1;
        lines++;
    }
    return lines;
}

START_TEST(text_escapes_controls_and_aligns_wide)
{
    struct sample s;
    size_t top_k, zero = 0;
    while (strcmp(cases[zero], "zero"))
        zero++;
    /* all contributions 0: no bars, so every row line is as wide */
    make_case(&s, zero, &top_k);
    s.names[0] = ctl_name;
    s.names[1] = nl_name;
    s.names[2] = c1_name;
    s.names[3] = wide_name;
    s.names[4] = narrow_name;
    s.names[5] = combining_name;
    s.names[6] = long_name;
    for (int color = 0; color < 2; color++) {
        char *out = render_text(&s.e, 0, color, NULL);
        if (color)
            strip_ansi(out);
        ck_assert_ptr_nonnull(strstr(out, "evil\\x1b[31mred\\x1b[0m"));
        ck_assert_ptr_nonnull(strstr(out, "two\\x0alines\\x0d\\x09and\\x7f"));
        ck_assert_ptr_nonnull(strstr(out, "c1 \\xc2\\x9b31m csi"));
        size_t cols = 0;
        /* the header line, then the 8 features */
        ck_assert_uint_eq(check_rows(out, "(kernel-shap", "  base value", 0,
                                     &cols), 9);
        free(out);
    }
    /* importance: the same names, the columns before the bars aligned */
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, 8, 1, s.names), XPL_OK);
    for (size_t j = 0; j < 8; j++)
        s.phi[j] = 0.1 * (double)(j + 1);
    ck_assert_int_eq(xpl_importance_add(imp, &s.e), XPL_OK);
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_text(fp, imp, NULL), XPL_OK);
    char *out = mem_close(&m);
    ck_assert_ptr_nonnull(strstr(out, "evil\\x1b[31mred\\x1b[0m"));
    ck_assert_ptr_nonnull(strstr(out, "two\\x0alines"));
    size_t cols = 0;
    ck_assert_uint_eq(check_rows(out, "mean contribution", "\n\n", '|', &cols), 8);
    free(out);
    xpl_importance_free(imp);
}
END_TEST

/* ------------------------------------------------------------- SVG */

START_TEST(svg_layout_edge_cases)
{
    for (int chart = 0; chart < N_ROW_KINDS; chart++) {
        char *svg = render_svg_case((size_t)_i, row_kinds[chart].chart);
        char what[64];
        snprintf(what, sizeof what, "%s %s", row_kinds[chart].name,
                 cases[_i]);
        check_layout(svg, what);
        ck_assert_ptr_nonnull(strstr(svg, "<title>"));
        ck_assert_ptr_nonnull(strstr(svg, "<desc>"));
        ck_assert_ptr_nonnull(strstr(svg, "version=\"1.1\""));
        /* deterministic bytes */
        char *again = render_svg_case((size_t)_i, row_kinds[chart].chart);
        ck_assert_str_eq(svg, again);
        free(again);
        free(svg);
    }
}
END_TEST

START_TEST(svg_golden)
{
    static const struct {
        const char *c, *file;
        xpl_chart chart;
    } g[] = {
        { "typical", "bar.svg", XPL_CHART_BAR },
        { "typical", "waterfall.svg", XPL_CHART_WATERFALL },
        { "lime", "bar_lime.svg", XPL_CHART_BAR },
        { "lime", "waterfall_lime.svg", XPL_CHART_WATERFALL },
        { "escape", "bar_escape.svg", XPL_CHART_BAR },
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        size_t k = 0;
        while (strcmp(cases[k], g[i].c))
            k++;
        char *svg = render_svg_case(k, g[i].chart);
        golden(g[i].file, svg);
        free(svg);
    }
}
END_TEST

START_TEST(svg_content)
{
    char *svg = render_svg_case(0, XPL_CHART_BAR);
    /* sorted: the largest bar first, labelled feature = value, with its
     * value; positive red, negative blue; U+2212 minus */
    const char *a = strstr(svg, "worst concave points = 0.0312");
    const char *b = strstr(svg, "worst texture = 25.5");
    const char *c = strstr(svg, "mean radius = 13.4");
    ck_assert(a && b && c && a < b && b < c);
    ck_assert_ptr_nonnull(strstr(svg, ">+1.52<"));
    ck_assert_ptr_nonnull(strstr(svg, ">\xe2\x88\x92" "0.811<"));
    ck_assert_ptr_nonnull(strstr(svg, "fill=\"#ff0051\""));
    ck_assert_ptr_nonnull(strstr(svg, "fill=\"#008bfb\""));
    free(svg);
    /* top 3 of 8: "other 5 features" */
    svg = render_svg_case(11, XPL_CHART_BAR);
    ck_assert_ptr_nonnull(strstr(svg, ">other 5 features<"));
    free(svg);
    /* the long name is cut in the middle but keeps its end and value, and
     * its tooltip has the whole label */
    svg = render_svg_case(8, XPL_CHART_BAR);
    ck_assert_ptr_nonnull(strstr(svg, ">a very long feature n\xe2\x80\xa6"));
    ck_assert_ptr_nonnull(strstr(svg, " some more = 0.0312</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "<title>a very long feature name "
                                      "that goes on and on, far past any "
                                      "label column that a chart could give "
                                      "it, and then some more = 0.0312"
                                      "</title>"));
    free(svg);
    /* a caller's title, and the row in the subtitle */
    struct sample s;
    fill(&s, 8);
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.title = "Why <this> & that";
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_svg(fp, &s.e, 1, &o), XPL_OK);
    svg = mem_close(&m);
    ck_assert_ptr_nonnull(strstr(svg, "<title>Why &lt;this&gt; &amp; that"
                                      "</title>"));
    ck_assert_ptr_nonnull(strstr(svg, ">row 3 \xc2\xb7 kernel-shap"));
    free(svg);
}
END_TEST

START_TEST(svg_several_rows_stack)
{
    struct sample s[3];
    xpl_explanation e[3];
    for (size_t i = 0; i < 3; i++) {
        fill(&s[i], 8);
        s[i].e.row = i;
        s[i].phi[i] = -2.0 * (double)i;
        e[i] = s[i].e;
    }
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.top_k = 4;
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_svg(fp, e, 3, &o), XPL_OK);
    char *one = mem_close(&m);
    check_layout(one, "three rows");
    ck_assert_ptr_nonnull(strstr(one, "Feature contributions, row 2"));
    ck_assert_ptr_nonnull(strstr(one, "3 charts stacked"));
    /* the streaming calls give the same document */
    xpl_svg *doc;
    ck_assert_int_eq(xpl_render_svg_begin(&doc, &o), XPL_OK);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(xpl_render_svg_chart(doc, &e[i]), XPL_OK);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_svg_end(doc, fp), XPL_OK);
    char *two = mem_close(&m);
    ck_assert_str_eq(one, two);
    golden("three_rows.svg", one);
    xpl_render_svg_free(doc);
    free(one);
    free(two);

    /* a chart titled by the row's identifier: the heading is the title,
     * the subtitle names the row; NULL keeps the document's */
    ck_assert_int_eq(xpl_render_svg_begin(&doc, &o), XPL_OK);
    ck_assert_int_eq(xpl_render_svg_chart_titled(doc, &e[0], "cust <7>"),
                     XPL_OK);
    ck_assert_int_eq(xpl_render_svg_chart_titled(doc, &e[1], NULL), XPL_OK);
    ck_assert_int_eq(xpl_render_svg_chart_titled(NULL, &e[1], "x"),
                     XPL_EINVAL);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_svg_end(doc, fp), XPL_OK);
    char *titled = mem_close(&m);
    ck_assert_ptr_nonnull(strstr(titled, "cust &lt;7&gt;"));
    ck_assert_ptr_nonnull(strstr(titled, "row 0"));
    ck_assert_ptr_nonnull(strstr(titled, "Feature contributions, row 1"));
    xpl_render_svg_free(doc);
    free(titled);
}
END_TEST

/* ------------------------------------------------------ importance */

START_TEST(importance_means)
{
    const char *names[] = { "a", "b" };
    double x[2] = { 1, 2 };
    double rows[3][2] = { { 1, -2 }, { -3, NAN }, { 0.5, 4 } };
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, 2, 2, names), XPL_OK);
    for (size_t i = 0; i < 3; i++) {
        xpl_explanation e = { i, 1, 2, "linear-shap", 2, names, x, rows[i],
                              NULL, 0, 0, NULL, NULL, NAN, NAN, NAN, NULL, NULL };
        ck_assert_int_eq(xpl_importance_add(imp, &e), XPL_OK);
    }
    ck_assert_uint_eq(xpl_importance_n_rows(imp, 1), 3);
    ck_assert_uint_eq(xpl_importance_n_rows(imp, 0), 0);
    double ma[2], mean[2];
    ck_assert_int_eq(xpl_importance_values(imp, 1, ma, mean), XPL_OK);
    ck_assert_double_eq_tol(ma[0], 4.5 / 3, 1e-15);
    ck_assert_double_eq_tol(mean[0], -1.5 / 3, 1e-15);
    ck_assert_double_eq_tol(ma[1], 3, 1e-15);   /* NaN skipped */
    ck_assert_double_eq_tol(mean[1], 1, 1e-15);
    ck_assert_int_eq(xpl_importance_values(imp, 0, ma, NULL), XPL_OK);
    ck_assert(isnan(ma[0]));
    /* wrong shapes */
    xpl_explanation bad = { 0, 2, 2, "x", 2, names, x, rows[0], NULL, 0, 0,
                            NULL, NULL, NAN, NAN, NAN, NULL, NULL };
    ck_assert_int_eq(xpl_importance_add(imp, &bad), XPL_EINVAL);
    bad.output = 0;
    bad.n_features = 1;
    ck_assert_int_eq(xpl_importance_add(imp, &bad), XPL_EINVAL);
    /* output 0 has no rows: left out of every format */
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_csv(fp, imp), XPL_OK);
    char *csv = mem_close(&m);
    ck_assert_str_eq(csv, "output,feature,rows,mean_abs_contribution,"
                          "mean_contribution\n1,a,3,1.5,-0.5\n1,b,3,3,1\n");
    free(csv);
    xpl_importance_free(imp);
}
END_TEST

START_TEST(importance_golden)
{
    xpl_importance *imp = importance_fixture(8, 2, 60, "kernel-shap");
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.top_k = 5;
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_text(fp, imp, &o), XPL_OK);
    ck_assert_int_eq(xpl_importance_render_json(fp, imp), XPL_OK);
    ck_assert_int_eq(xpl_importance_render_csv(fp, imp), XPL_OK);
    char *out = mem_close(&m);
    golden("importance.txt", out);
    free(out);
    char *bar = render_importance(imp, XPL_CHART_BAR, 5);
    check_layout(bar, "importance bar");
    golden("importance_bar.svg", bar);
    free(bar);
    char *bee = render_importance(imp, XPL_CHART_BEESWARM, 5);
    check_layout(bee, "beeswarm");
    golden("beeswarm.svg", bee);
    free(bee);
    xpl_importance_free(imp);
}
END_TEST

/* The mean |interaction value| per pair against the means worked out
 * here from the rows: NaN values skipped per pair, the bias row and column
 * left out; an accumulator without interaction values refuses the chart
 * and the matrix. */
START_TEST(importance_interactions_means)
{
    const char *names[3] = { "a", "b", "c" };
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, 3, 1, names), XPL_OK);
    double out[9];
    ck_assert_int_eq(xpl_importance_interactions(imp, 0, out), XPL_EINVAL);
    double x[3] = { 1, 2, 3 }, phi[3] = { 0.5, -0.25, 0.125 };
    /* two rows: 4 x 4 matrices, the last row and column the bias */
    double in[2][16] = {
        { 0.4, -0.1, 0.2, 9, -0.1, -0.3, 0, 9, 0.2, 0, 0.1, 9, 9, 9, 9, 9 },
        { -0.6, 0.3, NAN, 9, 0.3, 0.1, 0.05, 9, NAN, 0.05, -0.2, 9, 9, 9, 9,
          9 },
    };
    for (int r = 0; r < 2; r++) {
        xpl_explanation e = { 0 };
        e.n_features = 3;
        e.n_outputs = 1;
        e.names = names;
        e.values = x;
        e.contributions = phi;
        e.base_value = 0;
        e.prediction = 0.375;
        e.intercept = NAN;
        e.local_prediction = NAN;
        e.method = "tree-shap";
        e.row = (size_t)r;
        e.interactions = in[r];
        ck_assert_int_eq(xpl_importance_add(imp, &e), XPL_OK);
    }
    ck_assert_int_eq(xpl_importance_interactions(imp, 0, out), XPL_OK);
    const double want[9] = { 0.5, 0.2, 0.2,   /* (0.4+0.6)/2, ..., 0.2/1 */
                             0.2, 0.2, 0.025,
                             0.2, 0.025, 0.15 };
    for (int i = 0; i < 9; i++)
        ck_assert_msg(fabs(out[i] - want[i]) < 1e-15, "cell %d: %.17g vs %g",
                      i, out[i], want[i]);
    ck_assert_int_eq(xpl_importance_interactions(imp, 1, out), XPL_EINVAL);
    ck_assert_int_eq(xpl_importance_interactions(NULL, 0, out), XPL_EINVAL);
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_json(fp, imp), XPL_OK);
    char *json = mem_close(&m);
    /* (0.1 + 0.2) / 2 is 0.15000000000000002 in binary: shortest digits */
    ck_assert_ptr_nonnull(strstr(json, "\"mean_abs_interactions\":[[0.5,0.2,"
                                       "0.2],[0.2,0.2,0.025],[0.2,0.025,"
                                       "0.15000000000000002]]}"));
    free(json);
    char *svg = render_importance(imp, XPL_CHART_INTERACTIONS, 0);
    check_layout(svg, "interactions 3");
    ck_assert_ptr_nonnull(strstr(svg, "a \xc3\x97 b: 0.2</title>"));
    ck_assert_ptr_nonnull(strstr(svg, "a, main effect: 0.5</title>"));
    free(svg);
    xpl_importance_free(imp);
    /* no interaction values: the chart is refused */
    imp = importance_fixture(4, 1, 5, "kernel-shap");
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.chart = XPL_CHART_INTERACTIONS;
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_svg(fp, imp, &o), XPL_EINVAL);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "no interaction values"));
    free(mem_close(&m));
    xpl_importance_free(imp);
}
END_TEST

START_TEST(importance_sample_is_bounded_and_deterministic)
{
    size_t n = 3 * XPL_IMPORTANCE_SAMPLE_ROWS + 17;
    xpl_importance *a = importance_fixture(3, 1, n, "tree-shap");
    xpl_importance *b = importance_fixture(3, 1, n, "tree-shap");
    ck_assert_uint_eq(xpl_importance_n_rows(a, 0), n);
    char *sa = render_importance(a, XPL_CHART_BEESWARM, 0);
    char *sb = render_importance(b, XPL_CHART_BEESWARM, 0);
    ck_assert_str_eq(sa, sb);
    /* one dot per sampled row and feature */
    size_t dots = 0;
    for (const char *p = sa; (p = strstr(p, "<circle ")); p++)
        dots++;
    ck_assert_uint_eq(dots, 3 * XPL_IMPORTANCE_SAMPLE_ROWS);
    char sub[96];
    snprintf(sub, sizeof sub, "a sample of %zu of %zu rows",
             (size_t)XPL_IMPORTANCE_SAMPLE_ROWS, n);
    ck_assert_ptr_nonnull(strstr(sa, sub));
    check_layout(sa, "sampled beeswarm");
    free(sa);
    free(sb);
    xpl_importance_free(a);
    xpl_importance_free(b);
}
END_TEST

START_TEST(importance_many_features_layout)
{
    xpl_importance *imp = importance_fixture(MAX_P, 1, 50, "lime");
    char *bar = render_importance(imp, XPL_CHART_BAR, 0);
    check_layout(bar, "importance bar, 200 features");
    char *bee = render_importance(imp, XPL_CHART_BEESWARM, 0);
    check_layout(bee, "beeswarm, 200 features");
    ck_assert_ptr_nonnull(strstr(bee, "LIME weight"));
    free(bar);
    free(bee);
    xpl_importance_free(imp);
}
END_TEST

/* The per-row edge cases (all zero, negative only, NaN, tiny, huge, long
 * names, ...) as importance bar charts and beeswarms. */
START_TEST(importance_layout_edge_cases)
{
    xpl_importance *imp = importance_case((size_t)_i);
    for (int chart = 0; chart < N_IMP_KINDS; chart++) {
        xpl_chart c = imp_kinds[chart].chart;
        char *svg = render_importance(imp, c, 0);
        char what[64];
        snprintf(what, sizeof what, "importance %s %s",
                 imp_kinds[chart].name, cases[_i]);
        check_layout(svg, what);
        ck_assert_ptr_nonnull(strstr(svg, "<title>"));
        ck_assert_ptr_nonnull(strstr(svg, "version=\"1.1\""));
        ck_assert_ptr_null(strstr(svg, "nan"));
        ck_assert_ptr_null(strstr(svg, "inf"));
        char *again = render_importance(imp, c, 0);
        ck_assert_str_eq(svg, again);
        free(again);
        free(svg);
        /* with --top 3 as well: the "other" row */
        svg = render_importance(imp, c, 3);
        snprintf(what, sizeof what, "importance %s %s top 3",
                 imp_kinds[chart].name, cases[_i]);
        check_layout(svg, what);
        free(svg);
    }
    xpl_importance_free(imp);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(errors_and_write_failures)
{
    struct sample s;
    fill(&s, 8);
    ck_assert_int_eq(xpl_render_json(NULL, &s.e), XPL_EINVAL);
    ck_assert_int_eq(xpl_render_json(stdout, NULL), XPL_EINVAL);
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    o.version = 99;
    ck_assert_int_eq(xpl_render_text(stdout, &s.e, &o, NULL), XPL_EINVAL);
    o = (xpl_render_options)XPL_RENDER_OPTIONS_INIT;
    o.chart = XPL_CHART_BEESWARM;
    xpl_svg *doc = (xpl_svg *)&o;
    ck_assert_int_eq(xpl_render_svg_begin(&doc, &o), XPL_EINVAL);
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(xpl_render_svg_begin(&doc, NULL), XPL_OK);
    ck_assert_int_eq(xpl_render_svg_end(doc, stdout), XPL_EINVAL); /* empty */
    xpl_render_svg_free(doc);
    xpl_render_svg_free(NULL);
    xpl_importance_free(NULL);
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, 0, 1, s.names), XPL_EINVAL);
    ck_assert_int_eq(xpl_importance_new(&imp, 8, 1, s.names), XPL_OK);
    ck_assert_int_eq(xpl_importance_render_svg(stdout, imp, NULL),
                     XPL_EINVAL); /* no rows */
    xpl_importance_free(imp);
    s.names[3] = NULL;
    ck_assert_int_eq(xpl_render_csv_header(stdout, &s.e), XPL_EINVAL);

    /* a full disk: every writer reports XPL_EIO */
    fill(&s, 8);
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        return;
    setvbuf(full, NULL, _IONBF, 0);
    ck_assert_int_eq(xpl_render_json(full, &s.e), XPL_EIO);
    clearerr(full);
    ck_assert_int_eq(xpl_render_text(full, &s.e, NULL, NULL), XPL_EIO);
    clearerr(full);
    ck_assert_int_eq(xpl_render_csv_row(full, &s.e), XPL_EIO);
    clearerr(full);
    ck_assert_int_eq(xpl_render_svg(full, &s.e, 1, NULL), XPL_EIO);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "write error"));
    fclose(full);
}
END_TEST

/* ------------------------------------------------------- SVG export */

static int write_file(const char *dir, const char *name, const char *data)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(data, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "test_render: cannot write %s: %s\n", path,
                strerror(errno));
        return 1;
    }
    return 0;
}

/* Every chart kind on every edge case, for the xmllint and PNG checks. */
static const char *export_dir;

START_TEST(write_svgs)
{
    const char *dir = export_dir;
    int bad = 0;
    char name[128];
    for (size_t k = 0; k < N_CASES; k++)
        for (int chart = 0; chart < N_ROW_KINDS; chart++) {
            char *svg = render_svg_case(k, row_kinds[chart].chart);
            snprintf(name, sizeof name, "%s_%s.svg", row_kinds[chart].name,
                     cases[k]);
            bad |= write_file(dir, name, svg);
            free(svg);
        }
    xpl_importance *imp = importance_fixture(8, 2, 300, "kernel-shap");
    char *svg = render_importance(imp, XPL_CHART_BAR, 5);
    bad |= write_file(dir, "importance_bar.svg", svg);
    free(svg);
    svg = render_importance(imp, XPL_CHART_BEESWARM, 0);
    bad |= write_file(dir, "beeswarm.svg", svg);
    free(svg);
    xpl_importance_free(imp);
    for (size_t k = 0; k < N_CASES; k++) {
        imp = importance_case(k);
        for (int chart = 0; chart < N_IMP_KINDS; chart++) {
            svg = render_importance(imp, imp_kinds[chart].chart, 0);
            snprintf(name, sizeof name, "importance_%s_%s.svg",
                     imp_kinds[chart].name, cases[k]);
            bad |= write_file(dir, name, svg);
            free(svg);
        }
        xpl_importance_free(imp);
    }
    imp = importance_fixture(MAX_P, 1, 40, "tree-shap");
    svg = render_importance(imp, XPL_CHART_BEESWARM, 20);
    bad |= write_file(dir, "beeswarm_many.svg", svg);
    free(svg);
    xpl_importance_free(imp);
    /* pictures of models: coefficients, a depth-8 tree, an XGBoost tree */
    int mrc;
    xpl_model *tm = deep_tree_model();
    svg = render_tree(tm, 0, &mrc);
    bad |= mrc != XPL_OK || write_file(dir, "model_tree_depth8.svg", svg);
    free(svg);
    xpl_model_free(tm);
    ck_assert_int_eq(xpl_model_load(&tm, src_path("data/models/"
                                                  "breast_cancer_xgb.bin")),
                     XPL_OK);
    svg = render_tree(tm, 0, &mrc);
    bad |= mrc != XPL_OK || write_file(dir, "model_tree_xgb.svg", svg);
    free(svg);
    xpl_model_free(tm);
    svg = render_model("data/models/wine_logistic.bin", 0, &mrc);
    bad |= mrc != XPL_OK || write_file(dir, "model_coefficients_wine.svg",
                                       svg);
    free(svg);
    svg = render_model("data/models/breast_cancer_logistic.bin", 10, &mrc);
    bad |= mrc != XPL_OK || write_file(dir, "model_coefficients_bc.svg", svg);
    free(svg);
    /* every kind over 1, 5, 30 and 200 features of a 3-output model, and
     * over a single row */
    static const size_t widths[] = { 1, 5, 30, MAX_P };
    for (size_t w = 0; w < 5; w++) {
        imp = w < 4 ? importance_fixture(widths[w], 3, 300, "tree-shap")
                    : importance_fixture(8, 1, 1, "tree-shap");
        for (int chart = 0; chart < N_IMP_KINDS; chart++) {
            svg = render_importance(imp, imp_kinds[chart].chart, 20);
            if (w < 4)
                snprintf(name, sizeof name, "rows_%s_p%zu.svg",
                         imp_kinds[chart].name, widths[w]);
            else
                snprintf(name, sizeof name, "rows_%s_single.svg",
                         imp_kinds[chart].name);
            bad |= write_file(dir, name, svg);
            free(svg);
        }
        xpl_importance_free(imp);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* The visible text of every label (a <text> with a <title>) in svg, in
 * order, into out[] (up to max); returns the count. */
static size_t visible_labels(const char *svg, char out[][256], size_t max)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "<title>"); p && n < max;
         p = strstr(p + 1, "<title>")) {
        if (p[-1] != '>' || strncmp(p - 1 - 3, "\">", 2) == 0)
            continue;
        const char *open = p;
        while (open > svg && strncmp(open, "<text ", 6) != 0 && *open != '\n')
            open--;
        if (strncmp(open, "<text ", 6) != 0)
            continue; /* a chart's title element */
        text_content(strstr(p, "</title>") + 8, out[n], 256);
        n++;
    }
    return n;
}

/* 200 features whose names share a long prefix keep distinct labels in
 * every chart and table, and LIME conditions keep their thresholds. */
START_TEST(labels_stay_distinct)
{
    static char names_buf[MAX_P][96];
    struct sample s;
    fill(&s, MAX_P);
    for (size_t j = 0; j < MAX_P; j++) {
        snprintf(names_buf[j], sizeof names_buf[j], "customer_transaction_"
                 "history_aggregate_feature_number_%03zu_rolling_mean", j);
        s.names[j] = names_buf[j];
    }
    for (int chart = 0; chart < 2; chart++) {
        xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
        o.chart = chart ? XPL_CHART_WATERFALL : XPL_CHART_BAR;
        o.top_k = 30;
        struct mem m;
        FILE *fp = mem_open(&m);
        ck_assert_int_eq(xpl_render_svg(fp, &s.e, 1, &o), XPL_OK);
        char *svg = mem_close(&m);
        static char seen[64][256];
        size_t n = visible_labels(svg, seen, 64);
        ck_assert_uint_eq(n, 31); /* 30 features and "other 170" */
        for (size_t a = 0; a < n; a++) {
            ck_assert_msg(strstr(seen[a], "\xe2\x80\xa6") || a == n - 1,
                          "not shortened: %s", seen[a]);
            for (size_t b = a + 1; b < n; b++)
                ck_assert_msg(strcmp(seen[a], seen[b]) != 0, "labels %zu "
                              "and %zu are both \"%s\"", a, b, seen[a]);
        }
        check_layout(svg, chart ? "long waterfall" : "long bar");
        free(svg);
    }
    /* text: the table's name column shows each number */
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    struct mem m;
    FILE *fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_text(fp, &s.e, &o, NULL), XPL_OK);
    char *txt = mem_close(&m);
    for (size_t j = 0; j < MAX_P; j++) {
        char want[32];
        snprintf(want, sizeof want, "...%03zu_rolling_mean ", j);
        ck_assert_msg(strstr(txt, want), "no \"%s\" in the table", want);
    }
    free(txt);
    /* importance bars and beeswarm */
    xpl_importance *imp;
    ck_assert_int_eq(xpl_importance_new(&imp, MAX_P, 1, s.names), XPL_OK);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(xpl_importance_add(imp, &s.e), XPL_OK);
    for (int chart = 0; chart < 2; chart++) {
        char *svg = render_importance(imp, chart ? XPL_CHART_BEESWARM
                                                 : XPL_CHART_BAR, 20);
        static char seen[64][256];
        size_t n = visible_labels(svg, seen, 64);
        ck_assert_uint_eq(n, 21);
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                ck_assert_msg(strcmp(seen[a], seen[b]) != 0, "importance "
                              "labels %zu and %zu are both \"%s\"", a, b,
                              seen[a]);
        free(svg);
    }
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_importance_render_text(fp, imp, NULL), XPL_OK);
    txt = mem_close(&m);
    ck_assert_ptr_nonnull(strstr(txt, "...199_rolling_mean "));
    ck_assert_ptr_nonnull(strstr(txt, "...000_rolling_mean "));
    free(txt);
    xpl_importance_free(imp);
    /* LIME: the operator and both thresholds stay */
    struct sample l;
    make_lime(&l);
    static char cond[8][160];
    for (size_t j = 0; j < 8; j++) {
        l.names[j] = names_buf[j];
        int w = snprintf(cond[j], sizeof cond[j], "-0.23 < %s <= 0.%zu",
                         names_buf[j], j + 1);
        ck_assert(w > 0 && (size_t)w < sizeof cond[j]);
        l.cond[j] = cond[j];
    }
    char *svg;
    {
        xpl_render_options lo = XPL_RENDER_OPTIONS_INIT;
        fp = mem_open(&m);
        ck_assert_int_eq(xpl_render_svg(fp, &l.e, 1, &lo), XPL_OK);
        svg = mem_close(&m);
    }
    ck_assert_ptr_nonnull(strstr(svg, "</title>-0.23 &lt; customer"));
    ck_assert_ptr_nonnull(strstr(svg, "001_rolling_mean &lt;= 0.2</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "<title>-0.23 &lt; customer_"
                                      "transaction_history_aggregate_"
                                      "feature_number_001_rolling_mean "
                                      "&lt;= 0.2</title>"));
    free(svg);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_text(fp, &l.e, &o, NULL), XPL_OK);
    txt = mem_close(&m);
    ck_assert_msg(strstr(txt, "-0.23 < cust") &&
                  strstr(txt, "...001_rolling_mean <= 0.2 "), "%s", txt);
    free(txt);
}
END_TEST

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* A linear model's coefficients: one chart per output, sorted, the
 * intercept and link in the subtitle; tree models are not linear. */
START_TEST(model_coefficients)
{
    int rc;
    char *svg = render_model("data/models/wine_logistic.bin", 5, &rc);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    check_layout(svg, "wine coefficients");
    ck_assert_ptr_nonnull(strstr(svg, "Coefficients, output 2"));
    ck_assert_ptr_nonnull(strstr(svg, "softmax link"));
    ck_assert_ptr_nonnull(strstr(svg, "log-odds per unit of the feature"));
    ck_assert_ptr_nonnull(strstr(svg, "other 8 features (sum)"));
    free(svg);
    svg = render_model("data/models/diabetes_linear.bin", 0, &rc);
    ck_assert_int_eq(rc, XPL_OK);
    check_layout(svg, "diabetes coefficients");
    ck_assert_ptr_nonnull(strstr(svg, "response per unit"));
    free(svg);
    svg = render_model("data/models/breast_cancer_xgb.bin", 0, &rc);
    ck_assert_int_eq(rc, XPL_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "linear models"));
    free(svg);
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    ck_assert_int_eq(xpl_model_render_svg(stdout, NULL, &o), XPL_EINVAL);
    /* a depth-8 tree: one line per node, every split and leaf shown */
    xpl_model *m = deep_tree_model();
    svg = render_tree(m, 0, &rc);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    check_layout(svg, "depth-8 tree");
    size_t leaves = 0, yes_splits = 0, yes_leaves = 0;
    for (const char *q = svg; (q = strstr(q, "</title>yes: ")); q++)
        yes_splits++;
    for (const char *q = svg; (q = strstr(q, ">yes: leaf ")); q++)
        yes_leaves++;
    for (const char *q = svg; (q = strstr(q, ": leaf ")); q++)
        leaves++;
    ck_assert_uint_eq(leaves, 256);
    /* every split but the root is some split's child: 127 yes-branch
     * splits, 128 yes-branch leaves */
    ck_assert_uint_eq(yes_splits, 127);
    ck_assert_uint_eq(yes_leaves, 128);
    ck_assert_ptr_nonnull(strstr(svg, "depth 8"));
    ck_assert_ptr_nonnull(strstr(svg, "(missing: no)"));
    free(svg);
    svg = render_tree(m, 1, &rc);
    ck_assert_int_eq(rc, XPL_EINVAL);
    free(svg);
    xpl_model_free(m);
}
END_TEST

/* A categorical split in the tree picture: the codes it shows ("in {..}"
 * where listed codes go "yes", LightGBM; "not in {..}" where they go "no",
 * XGBoost) are exactly the codes 0-63 the routing rule of predictions
 * sends to the left ("yes") child. */
START_TEST(tree_picture_shows_category_sets)
{
    static const char *const files[] = {
        "tests/fixtures/categorical/lgb_regression.txt",
        "tests/fixtures/categorical/xgb1_binary.json",
    };
    xpl_model *m = load_model(files[_i]);
    const xpl__ensemble *e = xpl__trees_params(m);
    const xpl__tree *t = &e->trees[0];
    const xpl__tnode *root = &e->nodes[t->first_node];
    ck_assert_msg(root->feature & XPL__TNODE_CATEGORICAL,
                  "fixture's first root is not categorical");
    int rc;
    char *svg = render_tree(m, 0, &rc);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    check_layout(svg, files[_i]);
    const char *name = xpl_model_feature_name(
        m, root->feature & XPL__TNODE_FEATURE_MASK);
    char want[160];
    snprintf(want, sizeof want, "<title>%s ", name);
    const char *q = strstr(svg, want);
    ck_assert_msg(q != NULL, "no root split line for %s", name);
    q += strlen(want);
    int negated = strncmp(q, "not in {", 8) == 0;
    ck_assert_msg(negated || strncmp(q, "in {", 4) == 0, "%.40s", q);
    q = strchr(q, '{') + 1;
    unsigned char listed[64] = { 0 };
    while (*q != '}') {
        char *end;
        unsigned long code = strtoul(q, &end, 10);
        ck_assert_msg(end != q && code < 64, "bad code list at %.20s", q);
        listed[code] = 1;
        q = end;
        if (*q == ',')
            q += 2;
    }
    for (unsigned code = 0; code < 64; code++) {
        int yes = !xpl__tnode_right(&e->cats, root->feature, root->threshold,
                                    code, e->compare_le);
        ck_assert_msg(yes == (listed[code] != negated),
                      "%s: code %u goes %s but the picture says otherwise",
                      files[_i], code, yes ? "yes" : "no");
    }
    ck_assert_ptr_nonnull(strstr(svg, "the condition shown holds"));
    free(svg);
    xpl_model_free(m);
}
END_TEST

/* Where the model names its categories (pandas categoricals), the
 * picture shows the names of the codes, in code order. */
START_TEST(tree_picture_names_categories)
{
    xpl_model *m = load_model("tests/fixtures/categorical/lgb_pandas.txt");
    const xpl__ensemble *e = xpl__trees_params(m);
    const xpl__tnode *root = &e->nodes[e->trees[0].first_node];
    ck_assert(root->feature & XPL__TNODE_CATEGORICAL);
    size_t f = root->feature & XPL__TNODE_FEATURE_MASK;
    const char *const *names = xpl_model_category_names(m, f);
    ck_assert_ptr_nonnull(names);
    char want[400];
    size_t len = (size_t)snprintf(want, sizeof want, "<title>%s in {",
                                  xpl_model_feature_name(m, f));
    int first = 1;
    for (unsigned code = 0; code < xpl_model_n_categories(m, f); code++)
        if (!xpl__tnode_right(&e->cats, root->feature, root->threshold, code,
                              e->compare_le)) {
            len += (size_t)snprintf(want + len, sizeof want - len, "%s%s",
                                    first ? "" : ", ", names[code]);
            first = 0;
        }
    snprintf(want + len, sizeof want - len, "}");
    int rc;
    char *svg = render_tree(m, 0, &rc);
    ck_assert_int_eq(rc, XPL_OK);
    ck_assert_msg(strstr(svg, want) != NULL, "no \"%s\"", want);
    free(svg);
    xpl_model_free(m);
}
END_TEST

/* PNG and PDF through librsvg: the PNG is the SVG's size times the scale,
 * the PDF a page of 0.75 pt per pixel; the same SVG gives the same bytes;
 * bad documents and arguments are errors. */
START_TEST(convert_png_pdf)
{
    char *svg = render_svg_case(0, XPL_CHART_BAR);
    struct layout l;
    parse_layout(svg, &l);
    free(l.texts);
    free(l.shapes);
    struct mem m;
    FILE *fp = mem_open(&m);
    int rc = xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PNG, 0);
    char *png = mem_close(&m);
    size_t png_len = m.len;
    if (!xpl_render_convert_available()) {
        ck_assert_int_eq(rc, XPL_EUNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(xpl_last_error(), "librsvg"));
        free(png);
        free(svg);
        return;
    }
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    ck_assert_uint_gt(png_len, 1000);
    ck_assert(!memcmp(png, "\x89PNG\r\n\x1a\n", 8));
    ck_assert_uint_eq(be32((unsigned char *)png + 16), 2 * (uint32_t)l.width);
    ck_assert_uint_eq(be32((unsigned char *)png + 20),
                      2 * (uint32_t)l.height);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PNG,
                                        0), XPL_OK);
    char *again = mem_close(&m);
    ck_assert(m.len == png_len && !memcmp(png, again, png_len));
    free(again);
    free(png);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PDF,
                                        0), XPL_OK);
    char *pdf = mem_close(&m);
    size_t pdf_len = m.len;
    ck_assert(pdf_len > 1000 && !memcmp(pdf, "%PDF-", 5));
    char box[64];
    snprintf(box, sizeof box, "/MediaBox [ 0 0 %g %g ]", l.width * 0.75,
             l.height * 0.75);
    int found = 0;
    for (size_t i = 0; i + strlen(box) <= pdf_len && !found; i++)
        found = !memcmp(pdf + i, box, strlen(box));
    ck_assert_msg(found, "no %s", box);
    fp = mem_open(&m);
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PDF,
                                        0), XPL_OK);
    again = mem_close(&m);
    ck_assert_msg(m.len == pdf_len && !memcmp(pdf, again, pdf_len),
                  "PDF bytes differ between two runs");
    free(again);
    free(pdf);
    /* errors */
    fp = mem_open(&m);
    static const char junk[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"";
    ck_assert_int_eq(xpl_render_convert(fp, junk, strlen(junk),
                                        XPL_RASTER_PNG, 1), XPL_EFORMAT);
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg),
                                        XPL_RASTER_PNG, 9), XPL_EINVAL);
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg),
                                        (xpl_raster_format)7, 1), XPL_EINVAL);
    ck_assert_int_eq(xpl_render_convert(NULL, svg, strlen(svg),
                                        XPL_RASTER_PNG, 1), XPL_EINVAL);
    ck_assert_int_eq(xpl_render_convert(fp, NULL, 0, XPL_RASTER_PNG, 1),
                     XPL_EINVAL);
    ck_assert_uint_eq(m.len, 0);
    free(mem_close(&m));
    free(svg);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-svgs")) {
        /* through Check, whose assertions need a runner */
        export_dir = argv[2];
        Suite *s = suite_create("export");
        TCase *tc = tcase_create("export");
        tcase_add_test(tc, write_svgs);
        suite_add_tcase(s, tc);
        SRunner *sr = srunner_create(s);
        srunner_set_fork_status(sr, CK_NOFORK);
        srunner_run_all(sr, CK_NORMAL);
        int failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");
    tcase_add_loop_test(tc, number_known_answers, 0,
                        (int)(sizeof numbers / sizeof numbers[0]));
    tcase_add_test(tc, number_json_csv_coord);
    tcase_add_test(tc, nice_ticks_known_answers);
    tcase_add_test(tc, text_width_and_fit);
    tcase_add_test(tc, xml_escape_is_well_formed);
    tcase_add_test(tc, json_kernel_shap_schema);
    tcase_add_test(tc, json_lime_and_interactions);
    tcase_add_test(tc, csv_quoting_and_cells);
    tcase_add_test(tc, text_tables_golden);
    tcase_add_test(tc, text_other_and_single_leftover);
    tcase_add_test(tc, text_term_width_and_cells);
    tcase_add_test(tc, text_escapes_controls_and_aligns_wide);
    tcase_add_loop_test(tc, svg_layout_edge_cases, 0, N_CASES);
    tcase_add_test(tc, svg_golden);
    tcase_add_test(tc, svg_content);
    tcase_add_test(tc, labels_stay_distinct);
    tcase_add_test(tc, convert_png_pdf);
    tcase_add_test(tc, model_coefficients);
    tcase_add_loop_test(tc, tree_picture_shows_category_sets, 0, 2);
    tcase_add_test(tc, tree_picture_names_categories);
    tcase_add_test(tc, svg_several_rows_stack);
    tcase_add_test(tc, importance_means);
    tcase_add_test(tc, importance_golden);
    tcase_add_test(tc, importance_interactions_means);
    tcase_add_test(tc, importance_sample_is_bounded_and_deterministic);
    tcase_add_test(tc, importance_many_features_layout);
    tcase_add_loop_test(tc, importance_layout_edge_cases, 0, N_CASES);
    tcase_add_test(tc, errors_and_write_failures);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
