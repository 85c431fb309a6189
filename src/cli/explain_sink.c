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

/* The identifiers as one title: "a", or "a, b" for several. */
static void ids_title(char *buf, size_t size, char *const *ids, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
                                ids[k]);
}

/* A CSV cell, quoted when it holds a comma, quote or line end. */
static void csv_cell(FILE *fp, const char *t)
{
    if (!strpbrk(t, ",\"\r\n")) {
        fputs(t, fp);
        return;
    }
    fputc('"', fp);
    for (; *t; t++) {
        if (*t == '"')
            fputc('"', fp);
        fputc(*t, fp);
    }
    fputc('"', fp);
}

/* A JSON string; -1 if t is not valid UTF-8 (the output would not be
 * JSON). Control bytes are escaped. */
static int json_string(FILE *fp, const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    fputc('"', fp);
    while (*p) {
        unsigned char c = *p;
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                                   : (c >> 3) == 30 ? 4 : 0;
        if (!n)
            return -1;
        for (size_t k = 1; k < n; k++)
            if ((p[k] & 0xc0) != 0x80)
                return -1;
        if (n == 2 && c < 0xc2)
            return -1; /* overlong */
        if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) ||
                       (c == 0xed && p[1] >= 0xa0)))
            return -1; /* overlong, surrogate */
        if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || c > 0xf4 ||
                       (c == 0xf4 && p[1] >= 0x90)))
            return -1;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fwrite(p, 1, n, fp);
        p += n;
    }
    fputc('"', fp);
    return 0;
}

/* The JSON line of e with "id" first. */
static int json_with_ids(struct sink *s, const xpl_explanation *e,
                         char *const *ids)
{
    rewind(s->mem);
    int rc = xpl_render_json(s->mem, e);
    long len = rc ? -1 : (fflush(s->mem) ? -1 : ftell(s->mem));
    if (rc || len < 1)
        return rc ? rc : XPL_ENOMEM;
    FILE *fp = s->out.fp;
    size_t n = s->a->n_ids;
    fputs("{\"id\":", fp);
    if (n > 1)
        fputc('[', fp);
    for (size_t k = 0; k < n; k++) {
        if (k)
            fputc(',', fp);
        if (json_string(fp, ids[k])) {
            cli_error("row %zu: --id-column '%s' is not valid UTF-8", e->row,
                      s->a->id_columns[k]);
            return XPL_EFORMAT;
        }
    }
    fputs(n > 1 ? "]," : ",", fp);
    fwrite(s->mem_buf + 1, 1, (size_t)len - 1, fp);
    return ferror(fp) ? XPL_EIO : XPL_OK;
}

static int write_svg_file(struct sink *s, const xpl_explanation *e,
                          const char *title)
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
    xpl_render_options ro = s->a->render;
    if (title)
        ro.title = title;
    int rc = xpl_render_svg(o.fp, e, 1, &ro);
    if (rc) {
        cli_output_abort(&o);
        return render_error(rc);
    }
    return cli_output_commit(&o);
}

static int emit(struct sink *s, const xpl_explanation *e, char *const *ids)
{
    int rc = XPL_OK;
    size_t n_ids = ids ? s->a->n_ids : 0;
    char title[1024];
    if (n_ids)
        ids_title(title, sizeof title, ids, n_ids);
    if (s->imp) {
        rc = xpl_importance_add(s->imp, e);
    } else {
        switch (s->a->format) {
        case FORMAT_JSON:
            if (n_ids) {
                if ((rc = json_with_ids(s, e, ids)) == XPL_EFORMAT)
                    return EXIT_INPUT;
            } else {
                rc = xpl_render_json(s->out.fp, e);
            }
            break;
        case FORMAT_TEXT:
            if (n_ids)
                fprintf(s->out.fp, "id: %s\n", title);
            rc = xpl_render_text(s->out.fp, e, &s->a->render, s->ws);
            break;
        case FORMAT_CSV:
            if (!s->csv_header_done) {
                for (size_t k = 0; k < n_ids; k++) {
                    csv_cell(s->out.fp, s->a->id_columns[k]);
                    fputc(',', s->out.fp);
                }
                rc = xpl_render_csv_header(s->out.fp, e);
                s->csv_header_done = 1;
            }
            for (size_t k = 0; !rc && k < n_ids; k++) {
                csv_cell(s->out.fp, ids[k]);
                fputc(',', s->out.fp);
            }
            if (!rc)
                rc = xpl_render_csv_row(s->out.fp, e);
            break;
        case FORMAT_SVG:
            if (s->svg_dir)
                return write_svg_file(s, e, n_ids ? title : NULL);
            rc = xpl_render_svg_chart_titled(s->svg, e, n_ids ? title : NULL);
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
             const struct results *r, const double *x, size_t i, size_t row,
             char *const *ids)
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
        return emit(s, &e, ids);
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
        int st = emit(s, &e, ids);
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
    if (!rc && a->n_ids && a->format == FORMAT_JSON &&
        !(s->mem = open_memstream(&s->mem_buf, &s->mem_size)))
        rc = XPL_ENOMEM;
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
    if (s->mem)
        fclose(s->mem);
    free(s->mem_buf);
    return status;
}
