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

/* n bytes at p onto em's buffer; a failure shows in em->failed. */
static void put(struct emitter *em, const void *p, size_t n)
{
    if (xpl_bytes_append(&em->bytes, p, n))
        em->failed = 1;
}

static void puts_em(struct emitter *em, const char *t)
{
    put(em, t, strlen(t));
}

/* A CSV cell, quoted when it holds a comma, quote or line end. */
static void csv_cell(struct emitter *em, const char *t)
{
    if (!strpbrk(t, ",\"\r\n")) {
        puts_em(em, t);
        return;
    }
    put(em, "\"", 1);
    for (; *t; t++) {
        if (*t == '"')
            put(em, "\"", 1);
        put(em, t, 1);
    }
    put(em, "\"", 1);
}

/* A JSON string; -1 if t is not valid UTF-8 (the output would not be
 * JSON). Control bytes are escaped. */
static int json_string(struct emitter *em, const char *t)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)t;
    put(em, "\"", 1);
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
        if (c == '"' || c == '\\') {
            char esc[2] = { '\\', (char)c };
            put(em, esc, 2);
        } else if (c < 0x20) {
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            put(em, esc, 6);
        } else {
            put(em, p, n);
        }
        p += n;
    }
    put(em, "\"", 1);
    return 0;
}

/* The JSON line of e with "id" first: the identifiers, then the rendered
 * line without its opening brace. */
static int json_with_ids(struct sink *s, struct emitter *em,
                         const xpl_explanation *e, char *const *ids)
{
    size_t n = s->a->n_ids;
    puts_em(em, n > 1 ? "{\"id\":[" : "{\"id\":");
    for (size_t k = 0; k < n; k++) {
        if (k)
            put(em, ",", 1);
        if (json_string(em, ids[k])) {
            if (!em->quiet)
                cli_error("row %zu: --id-column '%s' is not valid UTF-8",
                          e->row, s->a->id_columns[k]);
            return XPL_EFORMAT;
        }
    }
    puts_em(em, n > 1 ? "]," : ",");
    if (em->failed)
        return XPL_ENOMEM;
    size_t at = em->bytes.len;
    int rc = xpl_render_append(&em->bytes, XPL_FORMAT_JSON, e, NULL, NULL);
    if (rc)
        return rc;
    char *d = em->bytes.data;
    memmove(d + at, d + at + 1, em->bytes.len - at - 1);
    em->bytes.len--;
    return XPL_OK;
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

/* The CSV header, with the identifier columns first, onto the output
 * (em's buffer is empty between explanations). */
static int csv_header(struct sink *s, struct emitter *em,
                      const xpl_explanation *e)
{
    for (size_t k = 0; k < s->a->n_ids; k++) {
        csv_cell(em, s->a->id_columns[k]);
        put(em, ",", 1);
    }
    s->csv_header_done = 1;
    if (em->failed)
        return XPL_ENOMEM;
    size_t len = em->bytes.len;
    em->bytes.len = 0;
    if (len && fwrite(em->bytes.data, 1, len, em->fp) != len)
        return XPL_EIO;
    return xpl_render_csv_header(em->fp, e);
}

/* The writing thread's emitter: what e rendered goes to the output. */
static int pass_on(struct emitter *em)
{
    size_t len = em->bytes.len;
    em->bytes.len = 0;
    if (len && fwrite(em->bytes.data, 1, len, em->fp) != len)
        return XPL_EIO;
    return ferror(em->fp) ? XPL_EIO : XPL_OK;
}

/* Write e through em. Returns EXIT_OK or an exit code, the error printed
 * unless em->quiet (then any failure is EXIT_INPUT, unprinted). */
static int emit(struct sink *s, struct emitter *em, const xpl_explanation *e,
                char *const *ids)
{
    int rc = XPL_OK;
    size_t n_ids = ids ? s->a->n_ids : 0, start = em->bytes.len;
    char title[1024];
    if (n_ids)
        ids_title(title, sizeof title, ids, n_ids);
    if (s->imp) {
        rc = xpl_importance_add(s->imp, e);
    } else {
        switch (s->a->format) {
        case FORMAT_JSON:
            if (n_ids)
                rc = json_with_ids(s, em, e, ids);
            else
                rc = xpl_render_append(&em->bytes, XPL_FORMAT_JSON, e, NULL,
                                       NULL);
            break;
        case FORMAT_TEXT:
            if (n_ids) {
                puts_em(em, "id: ");
                puts_em(em, title);
                put(em, "\n", 1);
            }
            rc = xpl_render_append(&em->bytes, XPL_FORMAT_TEXT, e,
                                   &s->a->render, em->ws);
            break;
        case FORMAT_CSV:
            if (!em->rows_only && !s->csv_header_done)
                rc = csv_header(s, em, e);
            for (size_t k = 0; !rc && k < n_ids; k++) {
                csv_cell(em, ids[k]);
                put(em, ",", 1);
            }
            if (!rc)
                rc = xpl_render_append(&em->bytes, XPL_FORMAT_CSV, e, NULL,
                                       NULL);
            break;
        case FORMAT_SVG:
            if (s->svg_dir)
                return write_svg_file(s, e, n_ids ? title : NULL);
            rc = xpl_render_svg_chart_titled(s->svg, e, n_ids ? title : NULL);
            break;
        }
    }
    if (!rc && em->failed)
        rc = XPL_ENOMEM;
    if (rc) { /* nothing of a failed explanation is written */
        em->bytes.len = start;
        em->failed = 0;
    } else if (!em->rows_only) {
        rc = pass_on(em);
    }
    if (rc == XPL_EFORMAT && n_ids && s->a->format == FORMAT_JSON)
        return EXIT_INPUT; /* printed by json_with_ids */
    if (rc && em->quiet)
        return EXIT_INPUT;
    return rc ? render_error(rc, s->a->out_path) : EXIT_OK;
}

static int emit_row_to(struct sink *s, struct emitter *em,
                       const struct results *r, size_t i, size_t row,
                       char *const *ids)
{
    for (size_t k = 0; k < r->n_out; k++) {
        xpl_explanation e = r->e[i * r->n_out + k];
        e.row = row;
        int st = emit(s, em, &e, ids);
        if (st)
            return st;
    }
    return EXIT_OK;
}

int emit_row(struct sink *s, const struct results *r, size_t i, size_t row,
             char *const *ids)
{
    return emit_row_to(s, &s->main, r, i, row, ids);
}

int sink_renders_in_workers(const struct sink *s)
{
    return !s->imp && (s->a->format == FORMAT_JSON ||
                       s->a->format == FORMAT_CSV ||
                       s->a->format == FORMAT_TEXT);
}

int sink_csv_header(struct sink *s, const xpl_explanation *e)
{
    if (s->a->format != FORMAT_CSV || s->imp || s->csv_header_done)
        return EXIT_OK;
    int rc = csv_header(s, &s->main, e);
    return rc ? render_error(rc, s->a->out_path) : EXIT_OK;
}

static void emitter_free(struct emitter *em)
{
    xpl_bytes_free(&em->bytes);
    memset(em, 0, sizeof *em);
}

/* The emitter of the writing thread (fp: the output) or, with fp NULL, a
 * worker's, which keeps its rows for write_rendered_row. */
static void emitter_init(struct emitter *em, FILE *fp, xpl_workspace *ws)
{
    memset(em, 0, sizeof *em);
    em->ws = ws;
    em->fp = fp;
    em->rows_only = em->quiet = fp == NULL;
}

int row_buffers_init(struct row_buffers *rb, const struct sink *s,
                     size_t threads, xpl_workspace **ws, size_t rows)
{
    memset(rb, 0, sizeof *rb);
    rb->em = calloc(threads, sizeof *rb->em);
    rb->off = malloc(sizeof *rb->off * rows);
    rb->len = malloc(sizeof *rb->len * rows);
    rb->thread = malloc(sizeof *rb->thread * rows);
    if (!rb->em || !rb->off || !rb->len || !rb->thread)
        return cli_library_error(XPL_ENOMEM);
    rb->threads = threads;
    for (size_t t = 0; t < threads; t++)
        emitter_init(&rb->em[t], NULL, ws[t]);
    return EXIT_OK;
}

void row_buffers_free(struct row_buffers *rb)
{
    if (rb->em)
        for (size_t t = 0; t < rb->threads; t++)
            emitter_free(&rb->em[t]);
    free(rb->em);
    free(rb->off);
    free(rb->len);
    free(rb->thread);
    memset(rb, 0, sizeof *rb);
}

void row_buffers_rewind(struct row_buffers *rb)
{
    for (size_t t = 0; t < rb->threads; t++)
        rb->em[t].bytes.len = 0;
}

int render_row(struct sink *s, struct row_buffers *rb, size_t thread,
               const struct results *r, size_t i, size_t row,
               char *const *ids)
{
    struct emitter *em = &rb->em[thread];
    size_t start = em->bytes.len;
    if (emit_row_to(s, em, r, i, row, ids)) {
        em->bytes.len = start; /* the row is emitted again, with its error */
        return EXIT_INPUT;
    }
    rb->off[i] = start;
    rb->len[i] = em->bytes.len - start;
    rb->thread[i] = thread;
    return EXIT_OK;
}

int write_rendered_row(struct sink *s, const struct row_buffers *rb,
                       size_t i)
{
    const struct emitter *em = &rb->em[rb->thread[i]];
    if (rb->len[i] &&
        fwrite(em->bytes.data + rb->off[i], 1, rb->len[i], s->out.fp) !=
            rb->len[i])
        return render_error(XPL_EIO, s->a->out_path);
    return EXIT_OK;
}

int sink_open(struct sink *s, const struct explain_args *a,
              const xpl_explainer *ex, const xpl_model *m)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    int rc = xpl_workspace_new(&s->ws);
    emitter_init(&s->main, stdout, s->ws);
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
    int st = cli_output_open(&s->out, a->out_path);
    s->main.fp = s->out.fp;
    return st;
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
    if (rc == XPL_ELIMIT && s->svg && s->a->raster == XPL_RASTER_PNG)
        cli_error("every row's chart was to go into one image; with -o "
                  "DIR/ each row gets a PNG file of its own");
    if (!s->svg_dir) {
        if (status == EXIT_OK)
            status = cli_output_commit(&s->out);
        else
            cli_output_abort(&s->out);
    }
    xpl_render_svg_free(s->svg);
    xpl_importance_free(s->imp);
    emitter_free(&s->main);
    xpl_workspace_free(s->ws);
    return status;
}
