/* Where explanations go: JSON Lines, text, CSV, SVG (one document or one
 * file per row) or the importance accumulator, written through an atomic
 * output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explain_sink.h"

/* A renderer failed. A write error names the output and its cause (the
 * errno of the failed write, which nothing since has reset), as
 * cli_output_commit does. */
static int render_error(int rc, const char *path)
{
    if (rc == XPL_EIO) {
        int e = errno;
        if (path && strcmp(path, "-") != 0)
            cli_error("%s: cannot write: %s", path,
                      e ? strerror(e) : "write error");
        else
            cli_error("write error on standard output: %s",
                      e ? strerror(e) : "write error");
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

/* Where a chart is drawn: the output itself (SVG), or memory from which
 * chart_end converts it to PNG or PDF. */
struct chart_out {
    FILE *fp, *dest;
    char *buf;
    size_t len;
    int raster;
};

static int chart_begin(struct chart_out *c, const struct explain_args *a,
                       FILE *dest)
{
    *c = (struct chart_out){ .fp = dest, .dest = dest, .raster = a->raster };
    if (a->raster < 0)
        return XPL_OK;
    c->fp = open_memstream(&c->buf, &c->len);
    return c->fp ? XPL_OK : XPL_ENOMEM;
}

static int chart_end(struct chart_out *c, int rc)
{
    if (c->raster < 0)
        return rc;
    if (c->fp && fclose(c->fp) != 0 && rc == XPL_OK)
        rc = XPL_ENOMEM;
    if (rc == XPL_OK)
        rc = xpl_render_convert(c->dest, c->buf, c->len,
                                (xpl_raster_format)c->raster, 0);
    free(c->buf);
    c->buf = NULL;
    return rc;
}

static int write_svg_file(struct sink *s, const xpl_explanation *e,
                          const char *title)
{
    char path[4096];
    const char *dir = s->a->out_path;
    const char *ext = s->a->raster == XPL_RASTER_PNG   ? "png"
                      : s->a->raster == XPL_RASTER_PDF ? "pdf"
                                                       : "svg";
    int n = e->n_outputs > 1
                ? snprintf(path, sizeof path, "%srow-%zu-output-%zu.%s", dir,
                           e->row, e->output, ext)
                : snprintf(path, sizeof path, "%srow-%zu.%s", dir, e->row,
                           ext);
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
    struct chart_out c;
    int rc = chart_begin(&c, s->a, o.fp);
    if (!rc)
        rc = xpl_render_svg(c.fp, e, 1, &ro);
    rc = chart_end(&c, rc);
    if (rc) {
        int failed = render_error(rc, path);
        cli_output_abort(&o);
        return failed;
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
    return rc ? render_error(rc, s->a->out_path) : EXIT_OK;
}

int emit_row(struct sink *s, const struct results *r, size_t i, size_t row,
             char *const *ids)
{
    for (size_t k = 0; k < r->n_out; k++) {
        xpl_explanation e = r->e[i * r->n_out + k];
        e.row = row;
        int st = emit(s, &e, ids);
        if (st)
            return st;
    }
    return EXIT_OK;
}

int sink_open(struct sink *s, const struct explain_args *a,
              const xpl_explainer *ex, const xpl_model *m)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    int rc = xpl_workspace_new(&s->ws);
    if (!rc && a->n_ids && a->format == FORMAT_JSON &&
        !(s->mem = open_memstream(&s->mem_buf, &s->mem_size)))
        rc = XPL_ENOMEM;
    if (!rc && a->importance)
        rc = xpl_importance_new(&s->imp, xpl_explainer_n_features(ex),
                                xpl_explainer_n_classes(ex),
                                xpl_model_feature_names(m));
    else if (!rc && a->format == FORMAT_SVG) {
        size_t n = a->out_path ? strlen(a->out_path) : 0;
        s->svg_dir = n && a->out_path[n - 1] == '/';
        struct stat st;
        if (s->svg_dir && stat(a->out_path, &st) != 0) {
            cli_error("%s: %s (a path ending in '/' is a directory that gets "
                      "one SVG file per row; create it first)", a->out_path,
                      errno == ENOENT ? "directory does not exist"
                                      : strerror(errno));
            return EXIT_INPUT;
        }
        if (s->svg_dir && !S_ISDIR(st.st_mode)) {
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
        case FORMAT_SVG: {
            struct chart_out c;
            rc = chart_begin(&c, s->a, s->out.fp);
            if (!rc)
                rc = xpl_importance_render_svg(c.fp, s->imp, &s->a->render);
            rc = chart_end(&c, rc);
            break;
        }
        }
    } else if (status == EXIT_OK && s->svg) {
        struct chart_out c;
        rc = chart_begin(&c, s->a, s->out.fp);
        if (!rc)
            rc = xpl_render_svg_end(s->svg, c.fp);
        rc = chart_end(&c, rc);
    }
    if (rc)
        status = render_error(rc, s->a->out_path);
    if (!s->svg_dir) {
        if (status == EXIT_OK)
            status = cli_output_commit(&s->out);
        else
            cli_output_abort(&s->out);
    }
    xpl_render_svg_free(s->svg);
    xpl_importance_free(s->imp);
    xpl_workspace_free(s->ws);
    if (s->mem)
        fclose(s->mem);
    free(s->mem_buf);
    return status;
}
