/* Where explanations go: JSON Lines, text, CSV, SVG (one document or one
 * file per row) or the importance accumulator, written through an atomic
 * output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explain_sink.h"

static int render_error(int rc)
{
    if (rc == XPL_EIO) {
        cli_error("write error on the output");
        return EXIT_INPUT;
    }
    return cli_library_error(rc);
}

static int write_svg_file(struct sink *s, const xpl_explanation *e)
{
    char path[4096];
    const char *dir = s->a->out_path;
    int n = e->n_outputs > 1
                ? snprintf(path, sizeof path, "%srow-%zu-output-%zu.svg", dir,
                           e->row, e->output)
                : snprintf(path, sizeof path, "%srow-%zu.svg", dir, e->row);
    if (n < 0 || (size_t)n >= sizeof path) {
        cli_error("%s: path too long", dir);
        return EXIT_INPUT;
    }
    cli_output o;
    int st = cli_output_open(&o, path);
    if (st)
        return st;
    int rc = xpl_render_svg(o.fp, e, 1, &s->a->render);
    if (rc) {
        cli_output_abort(&o);
        return render_error(rc);
    }
    return cli_output_commit(&o);
}

static int emit(struct sink *s, const xpl_explanation *e)
{
    int rc = XPL_OK;
    if (s->imp) {
        rc = xpl_importance_add(s->imp, e);
    } else {
        switch (s->a->format) {
        case FORMAT_JSON: rc = xpl_render_json(s->out.fp, e); break;
        case FORMAT_TEXT:
            rc = xpl_render_text(s->out.fp, e, &s->a->render, s->ws);
            break;
        case FORMAT_CSV:
            if (!s->csv_header_done) {
                rc = xpl_render_csv_header(s->out.fp, e);
                s->csv_header_done = 1;
            }
            if (!rc)
                rc = xpl_render_csv_row(s->out.fp, e);
            break;
        case FORMAT_SVG:
            if (s->svg_dir)
                return write_svg_file(s, e);
            rc = xpl_render_svg_chart(s->svg, e);
            break;
        }
    }
    return rc ? render_error(rc) : EXIT_OK;
}

/* Outputs an explanation can name: LIME explains class 0 or 1 of a binary
 * classifier that has a single output (p). */
static size_t explained_outputs(const struct explainer *ex)
{
    if (ex->lime && ex->D == 1 && xpl_model_is_classifier(ex->model))
        return 2;
    return ex->D;
}

int emit_row(struct sink *s, const struct explainer *ex,
                    const struct results *r, const double *x, size_t i,
                    size_t row)
{
    size_t P = ex->P, D = ex->D;
    xpl_explanation e = {
        .row = row,
        .n_outputs = explained_outputs(ex),
        .method = s->method,
        .n_features = P,
        .names = xpl_model_feature_names(ex->model),
        .values = x,
        .intercept = NAN,
        .score = NAN,
        .local_prediction = NAN,
    };
    if (ex->lime) {
        const xpl_lime_summary *sum = &r->summary[i];
        for (size_t j = 0; j < P; j++) {
            int n = xpl_lime_condition(ex->lime, x, j, s->labels[j],
                                       sizeof s->labels[j]);
            if (n < 0)
                snprintf(s->labels[j], sizeof s->labels[j], "%s",
                         xpl_model_feature_name(ex->model, j));
            s->label_ptrs[j] = s->labels[j];
        }
        e.output = (size_t)sum->explained_class;
        e.contributions = r->contrib + i * D * P;
        e.std_errors = r->se ? r->se + i * D * P : NULL;
        e.base_value = sum->intercept;
        e.prediction = sum->prediction;
        e.conditions = s->label_ptrs;
        e.selected = r->selected + i * P;
        e.intercept = sum->intercept;
        e.score = sum->score;
        e.local_prediction = sum->local_prediction;
        return emit(s, &e);
    }
    for (size_t d = 0; d < D; d++) {
        if (s->a->class_index >= 0 && (size_t)s->a->class_index != d)
            continue;
        e.output = d;
        e.contributions = r->contrib + (i * D + d) * P;
        e.std_errors = r->se ? r->se + (i * D + d) * P : NULL;
        e.base_value = ex->base[d];
        e.prediction = r->pred[i * D + d];
        e.interactions = r->inter
                             ? r->inter + (i * D + d) * (P + 1) * (P + 1)
                             : NULL;
        int st = emit(s, &e);
        if (st)
            return st;
    }
    return EXIT_OK;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sink_open(struct sink *s, const struct explain_args *a,
                     const struct explainer *ex)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    s->method = explain_method_name(ex->method);
    int rc = xpl_workspace_new(&s->ws);
    if (!rc && ex->lime) {
        s->labels = calloc(ex->P, sizeof *s->labels);
        s->label_ptrs = calloc(ex->P, sizeof *s->label_ptrs);
        if (!s->labels || !s->label_ptrs)
            rc = XPL_ENOMEM;
    }
    if (!rc && a->importance)
        rc = xpl_importance_new(&s->imp, ex->P, explained_outputs(ex),
                                xpl_model_feature_names(ex->model));
    else if (!rc && a->format == FORMAT_SVG) {
        size_t n = a->out_path ? strlen(a->out_path) : 0;
        s->svg_dir = n && a->out_path[n - 1] == '/';
        if (s->svg_dir && !is_directory(a->out_path)) {
            cli_error("%s: not a directory (a path ending in '/' takes one "
                      "SVG file per row)", a->out_path);
            return EXIT_INPUT;
        }
        if (!s->svg_dir)
            rc = xpl_render_svg_begin(&s->svg, &a->render);
    }
    if (rc)
        return cli_library_error(rc);
    if (s->svg_dir)
        return EXIT_OK;
    return cli_output_open(&s->out, a->out_path);
}

int sink_finish(struct sink *s, int status)
{
    int rc = XPL_OK;
    if (status == EXIT_OK && s->imp) {
        switch (s->a->format) {
        case FORMAT_JSON: rc = xpl_importance_render_json(s->out.fp, s->imp);
            break;
        case FORMAT_TEXT:
            rc = xpl_importance_render_text(s->out.fp, s->imp, &s->a->render);
            break;
        case FORMAT_CSV: rc = xpl_importance_render_csv(s->out.fp, s->imp);
            break;
        case FORMAT_SVG:
            rc = xpl_importance_render_svg(s->out.fp, s->imp, &s->a->render);
            break;
        }
    } else if (status == EXIT_OK && s->svg) {
        rc = xpl_render_svg_end(s->svg, s->out.fp);
    }
    if (rc)
        status = render_error(rc);
    if (!s->svg_dir) {
        if (status == EXIT_OK)
            status = cli_output_commit(&s->out);
        else
            cli_output_abort(&s->out);
    }
    xpl_render_svg_free(s->svg);
    xpl_importance_free(s->imp);
    xpl_workspace_free(s->ws);
    free(s->labels);
    free(s->label_ptrs);
    return status;
}
