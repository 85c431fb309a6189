/* Streaming CSV reader on libcsv, and the whole-file reader built on it.
 *
 * Input is read in CHUNK-byte blocks and handed to libcsv one physical line
 * at a time, so that the callbacks know the line they are on and a batch can
 * stop right after the row that fills it. Memory is bounded by the chunk,
 * one field (XPL_MAX_FIELD_LENGTH) and one row of the selected columns.
 *
 * Blank lines: libcsv skips them. In a file of one column a blank line is
 * also how a missing value is written, so there the reader counts the blank
 * lines it sees after the header (a count, not the lines) and, once a later
 * line brings a row, delivers them as rows of NaN, each at its own line,
 * before feeding that line to libcsv. Blank lines that no row follows (the
 * end of the file) are dropped. */

/* strtod_l is a GNU/BSD extension; it is what makes number parsing
 * independent of the process locale without touching thread state. */
#define _GNU_SOURCE 1

#include "core/error.h"
#include "data/dataset_internal.h"
#include "data/names.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/category_names.h"

#define CHUNK ((size_t)64 * 1024)
#define NO_COLUMN XPL__NO_NAME
#define MSG_SIZE 1024

/* libcsv's parser state between rows (csv_init sets it, and every row end
 * returns to it); its header does not name the states. */
#define CSV_ROW_NOT_BEGUN 0

enum phase {
    PHASE_HEADER,    /* the next row holds the column names */
    PHASE_FIRST_ROW, /* no header and no columns: the first row sets the width */
    PHASE_ROWS
};

/* One text cell of a row: grown as needed, reused row after row. */
struct text_cell {
    char *s;
    size_t len, cap;
};

struct xpl_csv_reader {
    int fd;
    int close_fd;
    const unsigned char *mem; /* in-memory input instead of fd, or NULL */
    size_t mem_size, mem_pos;
    char *path; /* as shown in messages: "<stdin>" for "-" */
    locale_t c_locale;
    struct csv_parser parser;
    int parser_ready;

    unsigned char *buf; /* CHUNK bytes */
    size_t buf_len, buf_pos;
    int started;  /* first block read (byte order mark handled) */
    int at_eof;   /* read() returned 0 */
    int finished; /* csv_fini done: no more rows */

    uint64_t bytes_read; /* from the file so far (progress reports) */
    uint64_t line;       /* physical line of the next byte fed to libcsv */
    int pending_cr;      /* last byte fed was CR: a LF next is the same line end */
    int in_quote;        /* a quoted field was open at the end of a line */
    uint64_t quote_line; /* where that field started */
    uint64_t quote_seq;  /* n_fields when it was seen open */
    uint64_t n_fields;   /* fields completed since the start of input */

    /* Blank lines (nothing but spaces and tabs, outside any quoted field). */
    uint64_t line_fields;  /* n_fields when the current line began */
    int line_between_rows; /* libcsv was between rows when it began */
    uint64_t blanks;       /* one column: blank lines since the last row */
    uint64_t blank_line;   /* the first of them (they are consecutive) */
    int blanks_due;        /* a row follows them: deliver them as NaN rows */

    enum phase phase;
    int has_header;
    const char *const *want; /* requested columns (borrowed during open) */
    size_t n_want;

    size_t n_file_cols; /* fields per row, once known */
    size_t *col_of;     /* n_file_cols: delivered index of each field, or NO_COLUMN */
    const char *const *want_text; /* text columns (borrowed during open) */
    size_t n_text;
    size_t *text_of;    /* n_file_cols: text column of each field, or NO_COLUMN */
    struct text_cell *text_row;  /* n_text: the row being read */
    struct text_cell *text_done; /* n_text: the last row delivered */
    int text_delivered;
    size_t n_cols;      /* delivered columns */
    char **names;       /* n_cols owned names */
    xpl__catnames **cats; /* n_cols: category names of each delivered
                             column, or NULL entries; NULL when none */
    size_t n_cats;
    int unknown_missing;  /* unknown names read as NaN, not an error */

    char **header; /* header names while the header row is read */
    size_t header_n, header_cap;

    /* For xpl_csv_reader_reset_memory: what a new text starts with. */
    enum phase first_phase;   /* the phase a text begins in */
    int names_wanted;         /* names are the requested columns' */
    unsigned char delimiter;
    char **text_names;        /* n_text owned copies of the text columns */
    unsigned char *head;      /* the last text's header line (bytes, with
                                 its line end) when it was line 1, or NULL */
    size_t head_len;
    size_t head_fields;       /* fields in it */

    size_t field;    /* fields completed in the current row */
    double *row;     /* values of the current row (delivered order) */
    size_t row_cap;  /* capacity of row, grown only while PHASE_FIRST_ROW */
    int row_pending; /* row holds a complete first row not yet delivered */
    uint64_t row_pending_line;

    double *out; /* destination of the current read() call */
    size_t max_rows, n_out;
    uint64_t last_row_line;

    int err; /* sticky: once set, every later call returns it */
    char msg[MSG_SIZE];
};

/* ----------------------------------------------------------- messages */

static void fail(xpl_csv_reader *r, int code, const char *fmt, ...)
    XPL__PRINTF(3, 4);

/* Keep the first error: the rows before it are still delivered, and the
 * message must survive until the call that reports it. */
static void fail(xpl_csv_reader *r, int code, const char *fmt, ...)
{
    if (r->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->err = code;
}

static int report(const xpl_csv_reader *r)
{
    return xpl__error(r->err, "%s", r->msg);
}

/* A cell as it can be shown in a message: quotes and control bytes escaped,
 * long cells cut with "...". */
static const char *show(char *dst, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const size_t shown = 40;
    size_t o = 0;
    for (size_t i = 0; i < len && i < shown && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            dst[o++] = '\\';
            dst[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
        } else {
            dst[o++] = (char)c;
        }
    }
    if (len > shown && o + 4 <= cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

/* --------------------------------------------------------------- cells */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

enum { CELL_OK, CELL_BAD, CELL_RANGE };

/* Clinger's fast path ("How to read floating point numbers accurately",
 * 1990): a plain decimal [+-]digits[.digits][(e|E)[+-]digits] whose
 * digits, as an integer w, are below 2^53 and whose power of ten p is
 * within +-22 is w * 10^p or w / 10^-p, both operands exact doubles, so
 * one IEEE operation rounds it correctly: the same double as strtod. Data
 * files are mostly such numbers, and strtod's general path was the largest
 * serial cost of reading (docs/performance.md). Returns 0 for anything
 * else (more digits, inf, nan, bad syntax), which strtod then decides. */
static int parse_plain(const char *s, const char *end, double *out)
{
    static const double pow10[] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    const uint64_t limit = (uint64_t)1 << 53;
    int neg = 0, digits = 0, frac = 0;
    uint64_t w = 0;
    if (s < end && (*s == '+' || *s == '-'))
        neg = *s++ == '-';
    for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
        if ((w = w * 10 + (uint64_t)(*s - '0')) >= limit)
            return 0;
    if (s < end && *s == '.')
        for (s++; s < end && *s >= '0' && *s <= '9'; s++, digits++, frac++)
            if ((w = w * 10 + (uint64_t)(*s - '0')) >= limit)
                return 0;
    if (digits == 0)
        return 0;
    int e = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        int eneg = 0, edigits = 0;
        if (s < end && (*s == '+' || *s == '-'))
            eneg = *s++ == '-';
        for (; s < end && *s >= '0' && *s <= '9' && edigits < 4;
             s++, edigits++)
            e = e * 10 + (*s - '0');
        if (edigits == 0)
            return 0;
        if (eneg)
            e = -e;
    }
    if (s != end)
        return 0;
    e -= frac;
    if (e < -22 || e > 22)
        return 0;
    double v = (double)w; /* exact: w < 2^53 */
    v = e >= 0 ? v * pow10[e] : v / pow10[-e];
    *out = neg ? -v : v;
    return 1;
}

/* Parse one cell (s[len] is NUL) as the documented number syntax. */
static int parse_cell(locale_t loc, const char *s, size_t len, double *out)
{
    while (len > 0 && is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len == 0 || (len == 2 && memcmp(s, "NA", 2) == 0) ||
        (len == 3 && (memcmp(s, "NaN", 3) == 0 || memcmp(s, "nan", 3) == 0))) {
        *out = NAN;
        return CELL_OK;
    }
    if (memchr(s, '\0', len))
        return CELL_BAD;
    /* strtod reads C99 hex floats; a data file holding "0x1A" more likely
     * means an identifier than 26, so refuse it. */
    const char *digits = s + (*s == '+' || *s == '-');
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        return CELL_BAD;

#if FLT_EVAL_METHOD == 0 /* no extended precision: one rounding only */
    if (parse_plain(s, s + len, out))
        return CELL_OK;
#endif
    char *end;
    errno = 0;
    double v = strtod_l(s, &end, loc);
    if (end != s + len)
        return CELL_BAD;
    /* ERANGE also flags results that underflow into the subnormals, which
     * are fine; only overflow to infinity loses the value. */
    if (errno == ERANGE && isinf(v))
        return CELL_RANGE;
    *out = isnan(v) ? NAN : v; /* "-nan", "nan(0x1)": plain missing */
    return CELL_OK;
}

/* ------------------------------------------------------------- header */

/* A header read as one field that holds another common delimiter was
 * almost certainly split with the wrong one: say which to use (the CLI's
 * option is named, as that is where most such files arrive). */
static const char *delimiter_hint(const xpl_csv_reader *r, size_t n_header)
{
    if (n_header != 1)
        return "";
    const char *name = r->header[0];
    const char delim = (char)r->parser.delim_char;
    if (delim != ';' && strchr(name, ';'))
        return "; the header is one field holding ';': set the delimiter "
               "to ';' (explain --delimiter ';')";
    if (delim != '\t' && strchr(name, '\t'))
        return "; the header is one field holding tabs: set the delimiter "
               "to a tab (explain --delimiter $'\\t')";
    if (delim != '|' && strchr(name, '|'))
        return "; the header is one field holding '|': set the delimiter "
               "to '|' (explain --delimiter '|')";
    if (delim != ',' && strchr(name, ','))
        return "; the header is one field holding ',': set the delimiter "
               "to ',' (the default)";
    return "";
}

/* "missing column \"a\"" or "missing columns \"a\", \"b\"", cut short (with
 * the total) when the list does not fit in a message. */
static void fail_missing(xpl_csv_reader *r, const xpl__named *sorted,
                         size_t n_header)
{
    char list[768];
    size_t len = 0, missing = 0, listed = 0;
    for (size_t i = 0; i < r->n_want + r->n_text; i++) {
        const char *name =
            i < r->n_want ? r->want[i] : r->want_text[i - r->n_want];
        if (xpl__names_find(sorted, n_header, name) != NO_COLUMN)
            continue;
        missing++;
        char shown[200];
        show(shown, sizeof shown, name, strlen(name));
        size_t need = strlen(shown) + 4;
        if (len + need + 32 < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"",
                                    listed ? ", " : "", shown);
            listed++;
        }
    }
    if (listed < missing)
        snprintf(list + len, sizeof list - len, ", ... (%zu in all)", missing);
    fail(r, XPL_ESHAPE, "%s:%llu: missing column%s %s%s", r->path,
         (unsigned long long)r->line, missing > 1 ? "s" : "", list,
         delimiter_hint(r, n_header));
}

/* The header row is complete: check the names and map the file's fields
 * to the delivered columns. */
static void finish_header(xpl_csv_reader *r, size_t n)
{
    r->n_file_cols = n;
    size_t first = 0, second;
    xpl__named *sorted =
        xpl__names_sorted((const char *const *)r->header, n, &first, &second);
    if (!sorted) {
        fail(r, XPL_ENOMEM, "out of memory");
        return;
    }
    /* Keeping every column, every name must be usable; selecting columns,
     * only the selected ones must be (unused columns may repeat a name or
     * have none, as spreadsheets and pandas write them). */
    if (r->want) {
        second = NO_COLUMN;
        for (size_t j = 0; j < r->n_want && second == NO_COLUMN; j++)
            xpl__names_duplicate_of(sorted, n, r->want[j], &first, &second);
    }
    if (!r->want && n == 1 && r->header[0][0] == '\0') {
        fail(r, XPL_EFORMAT, "%s:%llu: field 1: empty column name", r->path,
             (unsigned long long)r->line);
        free(sorted);
        return;
    }
    if (second != NO_COLUMN) {
        char shown[200];
        show(shown, sizeof shown, r->header[second], strlen(r->header[second]));
        fail(r, XPL_EFORMAT,
             "%s:%llu: field %zu: duplicate column name \"%s\" (also field %zu)",
             r->path, (unsigned long long)r->line, second + 1, shown,
             first + 1);
        free(sorted);
        return;
    }

    r->col_of = xpl__malloc_array(n, sizeof *r->col_of);
    if (!r->col_of) {
        free(sorted);
        fail(r, XPL_ENOMEM, "out of memory");
        return;
    }
    if (!r->want) {
        /* An unnamed first column is the row index pandas writes by
         * default (df.to_csv): skip it. header_field refused any other
         * empty name. */
        size_t skip = n > 1 && r->header[0][0] == '\0';
        if (skip) {
            r->col_of[0] = NO_COLUMN;
            free(r->header[0]);
            memmove(r->header, r->header + 1, (n - 1) * sizeof *r->header);
            r->header_n--;
        }
        for (size_t i = skip; i < n; i++)
            r->col_of[i] = i - skip;
        r->names = r->header; /* the header names become the column names */
        r->header = NULL;
        r->header_n = r->header_cap = 0;
        r->n_cols = n - skip;
    } else {
        for (size_t i = 0; i < n; i++)
            r->col_of[i] = NO_COLUMN;
        int complete = 1;
        for (size_t j = 0; j < r->n_want; j++) {
            size_t i = xpl__names_find(sorted, n, r->want[j]);
            if (i == NO_COLUMN)
                complete = 0;
            else
                r->col_of[i] = j;
        }
        r->text_of = xpl__malloc_array(n, sizeof *r->text_of);
        if (!r->text_of) {
            free(sorted);
            fail(r, XPL_ENOMEM, "out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++)
            r->text_of[i] = NO_COLUMN;
        for (size_t k = 0; k < r->n_text; k++) {
            size_t i = xpl__names_find(sorted, n, r->want_text[k]);
            if (i == NO_COLUMN)
                complete = 0;
            else
                r->text_of[i] = k;
        }
        if (!complete)
            fail_missing(r, sorted, n);
    }
    free(sorted);
    xpl__strings_free(r->header, r->header_n); /* only needed for the mapping */
    r->header = NULL;
    r->header_n = r->header_cap = 0;
    if (!r->err) {
        r->row = xpl__malloc_array(r->n_cols, sizeof *r->row);
        if (!r->row)
            fail(r, XPL_ENOMEM, "out of memory");
    }
    r->phase = PHASE_ROWS;
}

static void header_field(xpl_csv_reader *r, const char *s, size_t len,
                         size_t col)
{
    if (len > XPL_MAX_NAME_LENGTH) {
        fail(r, XPL_ELIMIT, "%s:%llu: field %zu: column name is longer than %zu bytes",
             r->path, (unsigned long long)r->line, col + 1,
             XPL_MAX_NAME_LENGTH);
        return;
    }
    /* An empty name is fine for a column nobody selects, and for the
     * first column when keeping every column (pandas' unnamed index,
     * skipped in finish_header); keeping every column, another one would
     * be a column without a name. */
    if (len == 0 && !r->want && col > 0) {
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: empty column name", r->path,
             (unsigned long long)r->line, col + 1);
        return;
    }
    if (memchr(s, '\0', len)) {
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: column name contains a NUL byte",
             r->path, (unsigned long long)r->line, col + 1);
        return;
    }
    if (r->header_n == r->header_cap) {
        size_t cap = r->header_cap ? 2 * r->header_cap : 16;
        if (cap > XPL_MAX_FEATURES)
            cap = XPL_MAX_FEATURES;
        char **grown = realloc(r->header, cap * sizeof *grown);
        if (!grown) {
            fail(r, XPL_ENOMEM, "out of memory");
            return;
        }
        r->header = grown;
        r->header_cap = cap;
    }
    char *name = malloc(len + 1);
    if (!name) {
        fail(r, XPL_ENOMEM, "out of memory");
        return;
    }
    memcpy(name, s, len);
    name[len] = '\0';
    r->header[r->header_n++] = name;
}

/* ---------------------------------------------------------- callbacks */

/* Copy a text cell of the current row. */
static void keep_text(xpl_csv_reader *r, size_t k, const char *s, size_t len,
                      size_t col)
{
    if (memchr(s, '\0', len)) {
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: text contains a NUL byte", r->path,
             (unsigned long long)r->line, col + 1);
        return;
    }
    struct text_cell *c = &r->text_row[k];
    if (len + 1 > c->cap) {
        size_t cap = len + 1 < 64 ? 64 : len + 1;
        char *grown = realloc(c->s, cap);
        if (!grown) {
            fail(r, XPL_ENOMEM, "out of memory");
            return;
        }
        c->s = grown;
        c->cap = cap;
    }
    memcpy(c->s, s, len);
    c->s[len] = '\0';
    c->len = len;
}

static void on_field(void *data, size_t len, void *user)
{
    xpl_csv_reader *r = user;
    const char *s = data ? data : "";
    size_t col = r->field++;
    r->n_fields++;
    if (r->err)
        return;
    if (len > XPL_MAX_FIELD_LENGTH) {
        fail(r, XPL_ELIMIT, "%s:%llu: field %zu: longer than %zu bytes",
             r->path, (unsigned long long)r->line, col + 1,
             XPL_MAX_FIELD_LENGTH);
        return;
    }
    if (r->phase != PHASE_ROWS && col >= XPL_MAX_FEATURES) {
        fail(r, XPL_ELIMIT, "%s:%llu: field %zu: more than %zu columns", r->path,
             (unsigned long long)r->line, col + 1, XPL_MAX_FEATURES);
        return;
    }

    size_t slot;
    if (r->phase == PHASE_HEADER) {
        header_field(r, s, len, col);
        return;
    } else if (r->phase == PHASE_FIRST_ROW) {
        if (col == r->row_cap) {
            size_t cap = r->row_cap ? 2 * r->row_cap : 16;
            if (cap > XPL_MAX_FEATURES)
                cap = XPL_MAX_FEATURES;
            double *grown = realloc(r->row, cap * sizeof *grown);
            if (!grown) {
                fail(r, XPL_ENOMEM, "out of memory");
                return;
            }
            r->row = grown;
            r->row_cap = cap;
        }
        slot = col;
    } else {
        /* Fields past the width are counted, and the row is refused as a
         * whole when it ends. Unselected fields are never parsed, so an id
         * or label column may hold text. */
        if (col >= r->n_file_cols)
            return;
        if (r->text_of && r->text_of[col] != NO_COLUMN) {
            keep_text(r, r->text_of[col], s, len, col);
            return;
        }
        if ((slot = r->col_of[col]) == NO_COLUMN)
            return;
    }

    const xpl__catnames *cats = r->cats ? r->cats[slot] : NULL;
    if (cats) {
        int64_t code = xpl__catnames_find(cats, s, len);
        if (code >= 0) {
            r->row[slot] = (double)code;
            return;
        }
    }
    int rc = parse_cell(r->c_locale, s, len, &r->row[slot]);
    if (rc == CELL_BAD && cats && r->unknown_missing) {
        r->row[slot] = NAN;
        return;
    }
    if (rc == CELL_BAD && cats) {
        char shown[200], list[400];
        show(shown, sizeof shown, s, len);
        xpl__catnames_list(cats, list, sizeof list);
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: unknown category \"%s\" "
             "of \"%s\" (expected a code or one of %s)", r->path,
             (unsigned long long)r->line, col + 1, shown, r->names[slot],
             list);
        return;
    }
    if (rc != CELL_OK) {
        char shown[200];
        show(shown, sizeof shown, s, len);
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: %s, found \"%s\"", r->path,
             (unsigned long long)r->line, col + 1,
             rc == CELL_RANGE ? "number out of range" : "expected a number",
             shown);
    }
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    xpl_csv_reader *r = user;
    size_t n = r->field;
    r->field = 0;
    if (r->err)
        return;

    switch (r->phase) {
    case PHASE_HEADER:
        finish_header(r, n);
        return;
    case PHASE_FIRST_ROW:
        r->n_file_cols = r->n_cols = n;
        r->col_of = xpl__malloc_array(n, sizeof *r->col_of);
        r->names = xpl__calloc_array(n, sizeof *r->names);
        if (!r->col_of || !r->names) {
            fail(r, XPL_ENOMEM, "out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            char name[32];
            snprintf(name, sizeof name, "f%zu", i);
            r->col_of[i] = i;
            if (!(r->names[i] = xpl__strdup(name))) {
                fail(r, XPL_ENOMEM, "out of memory");
                return;
            }
        }
        r->row_pending = 1;
        r->row_pending_line = r->last_row_line = r->line;
        r->phase = PHASE_ROWS;
        /* Blank lines before a first row of one field are its missing
         * values; before a wider row they are just blank lines. */
        if (n == 1)
            r->blanks_due = r->blanks > 0;
        else
            r->blanks = 0;
        return;
    case PHASE_ROWS:
        break;
    }

    if (n != r->n_file_cols) {
        fail(r, XPL_EFORMAT, "%s:%llu: expected %zu field%s, found %zu",
             r->path, (unsigned long long)r->line, r->n_file_cols,
             r->n_file_cols == 1 ? "" : "s", n);
        return;
    }
    memcpy(r->out + r->n_out * r->n_cols, r->row, r->n_cols * sizeof *r->row);
    if (r->n_text) {
        /* the row's text becomes the delivered row's; the old buffers are
         * reused for the next row */
        struct text_cell *t = r->text_done;
        r->text_done = r->text_row;
        r->text_row = t;
        r->text_delivered = 1;
    }
    r->n_out++;
    r->last_row_line = r->line;
}

/* ---------------------------------------------------------- blank lines */

/* A physical line held no field and ended outside quotes. */
static void on_blank_line(xpl_csv_reader *r)
{
    if (r->err)
        return;
    /* Only a file of one column can have a row that is a blank line; before
     * the first row (no header, no columns) the width is not known yet, so
     * count and let that row decide. A blank line before the header is
     * never a row. */
    if (r->phase == PHASE_FIRST_ROW ||
        (r->phase == PHASE_ROWS && r->n_file_cols == 1)) {
        if (r->blanks++ == 0)
            r->blank_line = r->line;
    }
}

/* Whether p[0..n) holds anything libcsv would start a field with: any byte
 * but a line end or a space or tab that is not the delimiter. */
static int starts_row(const xpl_csv_reader *r, const unsigned char *p,
                      size_t n)
{
    const unsigned char delim = r->parser.delim_char;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\n' || c == '\r')
            continue;
        if ((c == ' ' || c == '\t') && c != delim)
            continue;
        return 1;
    }
    return 0;
}

/* Deliver the next blank line that a later row made a missing value. */
static void deliver_blank(xpl_csv_reader *r)
{
    double *dst = r->out + r->n_out * r->n_cols;
    for (size_t i = 0; i < r->n_cols; i++)
        dst[i] = NAN;
    r->n_out++;
    r->last_row_line = r->blank_line++;
    if (--r->blanks == 0)
        r->blanks_due = 0;
}

/* --------------------------------------------------------------- input */

static void fail_libcsv(xpl_csv_reader *r)
{
    int e = csv_error(&r->parser);
    if (e == CSV_EPARSE) {
        /* libcsv's strict mode stops on a quote inside an unquoted field
         * and on anything but a delimiter, a line end or blanks after a
         * closing quote; `quoted` tells the two apart. */
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: %s", r->path,
             (unsigned long long)r->line, r->field + 1,
             r->parser.quoted
                 ? "unexpected character after a closing quote"
                 : "quote inside an unquoted field (quote the whole field "
                   "and double the inner quotes)");
    } else if (e == CSV_ENOMEM || e == CSV_ETOOBIG) {
        fail(r, XPL_ENOMEM, "out of memory");
    } else {
        fail(r, XPL_EFORMAT, "%s:%llu: field %zu: %s", r->path,
             (unsigned long long)r->line, r->field + 1, csv_strerror(e));
    }
}

static void refill(xpl_csv_reader *r)
{
    size_t len = 0;
    /* Read until the block is full or at the end of input; a pipe may hand
     * over a few bytes at a time, and the byte order mark check needs the
     * first three. */
    while (len < CHUNK) {
        if (r->mem) {
            size_t n = r->mem_size - r->mem_pos;
            if (n > CHUNK - len)
                n = CHUNK - len;
            memcpy(r->buf + len, r->mem + r->mem_pos, n);
            r->mem_pos += n;
            len += n;
            r->bytes_read += (uint64_t)n;
            if (r->mem_pos == r->mem_size)
                r->at_eof = 1;
            break;
        }
        ssize_t got = read(r->fd, r->buf + len, CHUNK - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            /* strerror_l, not strerror: the library may be called from
             * many threads, and strerror's buffer is shared. */
            fail(r, XPL_EIO, "%s:%llu: read error: %s", r->path,
                 (unsigned long long)r->line, strerror_l(errno, r->c_locale));
            return;
        }
        if (got == 0) {
            r->at_eof = 1;
            break;
        }
        len += (size_t)got;
        r->bytes_read += (uint64_t)got;
        if (r->started)
            break; /* return what is there: streaming input need not wait */
        if (len >= 3)
            break;
    }
    r->buf_len = len;
    r->buf_pos = 0;
    if (!r->started) {
        r->started = 1;
        if (len >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
            r->buf_pos = 3;
    }
}

static void finish(xpl_csv_reader *r)
{
    if (csv_fini(&r->parser, on_field, on_row, r) != 0 && !r->err) {
        if (csv_error(&r->parser) == CSV_EPARSE)
            fail(r, XPL_EFORMAT, "%s:%llu: field %zu: unterminated quoted field",
                 r->path,
                 (unsigned long long)(r->in_quote ? r->quote_line : r->line),
                 r->field + 1);
        else
            fail_libcsv(r);
    }
    r->finished = 1;
}

/* Feed libcsv the rest of the current physical line (or of the block), so
 * that at most one row ends per call. */
static void step(xpl_csv_reader *r)
{
    if (r->buf_pos == r->buf_len) {
        if (r->at_eof)
            finish(r);
        else
            refill(r);
        return;
    }
    const unsigned char *p = r->buf + r->buf_pos;
    size_t avail = r->buf_len - r->buf_pos;
    int crlf = 0; /* p is the LF of a CRLF whose CR ended the last call */
    if (r->pending_cr) {
        r->pending_cr = 0;
        if (*p != '\n')
            r->line++; /* a lone CR ended the line (old Mac files) */
        else
            crlf = 1;
    }
    /* Lines end with LF, CRLF or a lone CR, as libcsv's rows do. */
    const unsigned char *lf = memchr(p, '\n', avail);
    size_t n = lf ? (size_t)(lf - p) + 1 : avail;
    const unsigned char *cr = memchr(p, '\r', n);
    if (cr)
        n = (size_t)(cr - p) + 1;

    /* Blank lines held back are between rows, and libcsv still is: if this
     * text starts the next row they were missing values. Consume nothing:
     * xpl_csv_reader_read delivers them, one row at a time, before this
     * text is fed. */
    if (r->blanks && !r->blanks_due && r->phase == PHASE_ROWS &&
        starts_row(r, p, n)) {
        r->blanks_due = 1;
        return;
    }

    size_t done = csv_parse(&r->parser, p, n, on_field, on_row, r);
    r->buf_pos += n;
    if (done != n) {
        fail_libcsv(r);
        return;
    }
    if (r->parser.entry_pos > XPL_MAX_FIELD_LENGTH) {
        fail(r, XPL_ELIMIT, "%s:%llu: field %zu: longer than %zu bytes",
             r->path, (unsigned long long)r->line, r->field + 1,
             XPL_MAX_FIELD_LENGTH);
        return;
    }
    unsigned char last = p[n - 1];
    if (last == '\n' || last == '\r') {
        /* A line end inside quotes belongs to the field; remember where
         * that field opened for an "unterminated" message at the end. A
         * field completed since then means this is a new quoted field. */
        if (r->parser.quoted && (!r->in_quote || r->quote_seq != r->n_fields)) {
            r->quote_line = r->line;
            r->quote_seq = r->n_fields;
        }
        r->in_quote = r->parser.quoted;
        /* A line that began and ended between rows with no field in it was
         * blank; a line end inside quotes leaves libcsv inside the field.
         * The LF of a CRLF is not a line of its own. */
        if (!crlf && r->line_between_rows &&
            r->parser.pstate == CSV_ROW_NOT_BEGUN &&
            r->n_fields == r->line_fields)
            on_blank_line(r);
        r->line_between_rows = r->parser.pstate == CSV_ROW_NOT_BEGUN;
        r->line_fields = r->n_fields;
        if (last == '\n')
            r->line++;
        else
            r->pending_cr = 1;
    }
}

/* -------------------------------------------------------------- public */

void xpl_csv_reader_free(xpl_csv_reader *r)
{
    if (!r)
        return;
    if (r->parser_ready)
        csv_free(&r->parser);
    if (r->close_fd && r->fd >= 0)
        close(r->fd);
    if (r->c_locale != (locale_t)0)
        freelocale(r->c_locale);
    free(r->path);
    free(r->buf);
    free(r->col_of);
    free(r->text_of);
    for (size_t k = 0; k < r->n_text; k++) {
        if (r->text_row)
            free(r->text_row[k].s);
        if (r->text_done)
            free(r->text_done[k].s);
    }
    free(r->text_row);
    free(r->text_done);
    for (size_t i = 0; r->cats && i < r->n_cats; i++)
        xpl__catnames_free(r->cats[i]);
    free(r->cats);
    xpl__strings_free(r->names, r->n_cols);
    xpl__strings_free(r->header, r->header_n);
    xpl__strings_free(r->text_names, r->text_names ? r->n_text : 0);
    free(r->head);
    free(r->row);
    free(r);
}

/* A list of column names: none NULL, empty or too long, no duplicates. */
static int check_names(const char *what, const char *const *names, size_t n)
{
    if (n > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "csv options: %zu %s, the limit is %zu",
                          n, what, XPL_MAX_FEATURES);
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return xpl__error(XPL_EINVAL, "csv options: %s %zu is %s", what,
                              i, names[i] ? "empty" : "NULL");
        if (strlen(names[i]) > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT,
                              "csv options: %s %zu is longer than %zu bytes",
                              what, i, XPL_MAX_NAME_LENGTH);
    }
    if (n > 1) {
        size_t first = 0, second;
        xpl__named *sorted = xpl__names_sorted(names, n, &first, &second);
        if (!sorted)
            return xpl__enomem();
        free(sorted);
        if (second != NO_COLUMN)
            return xpl__error(XPL_EINVAL,
                              "csv options: %s \"%.64s\" is given twice "
                              "(%zu and %zu)",
                              what, names[second], first, second);
    }
    return XPL_OK;
}

/* Every name of `names` is (must_be 1) or is not (0) in `among`. */
static int check_among(const char *what, const char *const *names, size_t n,
                       const char *const *among, size_t n_among,
                       const char *among_what, int must_be)
{
    if (n == 0)
        return XPL_OK;
    size_t first = 0, second;
    xpl__named *sorted = n_among ? xpl__names_sorted(among, n_among, &first,
                                                &second)
                                   : NULL;
    if (n_among && !sorted)
        return xpl__enomem();
    for (size_t i = 0; i < n; i++) {
        int found = sorted && xpl__names_find(sorted, n_among, names[i]) !=
                                  NO_COLUMN;
        if (found != must_be) {
            free(sorted);
            return xpl__error(XPL_EINVAL, "csv options: %s \"%.64s\" is %s "
                              "%s", what, names[i],
                              must_be ? "not among the" : "also one of the",
                              among_what);
        }
    }
    free(sorted);
    return XPL_OK;
}

/* The options of version 2 (file_columns, text_columns). */
static int check_options_v2(const xpl_csv_options *o)
{
    if (!o->file_columns != !o->n_file_columns)
        return xpl__error(XPL_EINVAL, "csv options: file_columns and "
                          "n_file_columns disagree");
    if (!o->text_columns != !o->n_text_columns)
        return xpl__error(XPL_EINVAL, "csv options: text_columns and "
                          "n_text_columns disagree");
    if (o->file_columns && o->has_header)
        return xpl__error(XPL_EINVAL, "csv options: file_columns is for a "
                          "file without a header");
    if (o->text_columns && !o->columns)
        return xpl__error(XPL_EINVAL, "csv options: text_columns needs "
                          "columns");
    if (o->text_columns && !o->has_header && !o->file_columns)
        return xpl__error(XPL_EINVAL, "csv options: text_columns needs a "
                          "header or file_columns");
    int rc;
    if ((rc = check_names("file column", o->file_columns,
                          o->n_file_columns)) ||
        (rc = check_names("text column", o->text_columns,
                          o->n_text_columns)) ||
        (rc = check_among("text column", o->text_columns, o->n_text_columns,
                          o->columns, o->n_columns, "columns", 0)))
        return rc;
    if (o->file_columns &&
        ((rc = check_among("column", o->columns, o->n_columns,
                           o->file_columns, o->n_file_columns,
                           "file columns", 1)) ||
         (rc = check_among("text column", o->text_columns, o->n_text_columns,
                           o->file_columns, o->n_file_columns,
                           "file columns", 1))))
        return rc;
    return XPL_OK;
}

static int check_options(const xpl_csv_options *o)
{
    if (o->version < 1 || o->version > XPL_CSV_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL,
                          "csv options version %u is not supported "
                          "(expected 1 to %u)",
                          o->version, XPL_CSV_OPTIONS_VERSION);
    if (o->has_header != 0 && o->has_header != 1)
        return xpl__error(XPL_EINVAL, "csv options: has_header must be 0 or 1");
    char d = o->delimiter;
    if (d == '\0' || d == '"' || d == '\r' || d == '\n')
        return xpl__error(XPL_EINVAL,
                          "csv options: the delimiter cannot be NUL, a quote "
                          "or a line end");
    if (!o->columns && o->n_columns)
        return xpl__error(XPL_EINVAL, "csv options: columns is NULL");
    if (o->columns && !o->n_columns)
        return xpl__error(XPL_EINVAL, "csv options: no columns selected");
    if (o->n_columns > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "csv options: %zu columns, the limit is %zu",
                          o->n_columns, XPL_MAX_FEATURES);
    for (size_t i = 0; i < o->n_columns; i++) {
        if (!o->columns[i] || !o->columns[i][0])
            return xpl__error(XPL_EINVAL, "csv options: column %zu is %s", i,
                              o->columns[i] ? "empty" : "NULL");
        if (strlen(o->columns[i]) > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT,
                              "csv options: column %zu is longer than %zu bytes",
                              i, XPL_MAX_NAME_LENGTH);
    }
    if (o->n_columns > 1) {
        size_t first = 0, second;
        xpl__named *sorted =
            xpl__names_sorted(o->columns, o->n_columns, &first, &second);
        if (!sorted)
            return xpl__enomem();
        free(sorted);
        if (second != NO_COLUMN)
            return xpl__error(XPL_EINVAL,
                              "csv options: column \"%.64s\" is selected twice "
                              "(%zu and %zu)",
                              o->columns[second], first, second);
    }
    return o->version >= 2 ? check_options_v2(o) : XPL_OK;
}

/* The options of version 3 (categories); o is complete. */
static int check_options_v3(const xpl_csv_options *o)
{
    if (o->unknown_category != XPL_UNKNOWN_CATEGORY_ERROR &&
        o->unknown_category != XPL_UNKNOWN_CATEGORY_MISSING)
        return xpl__error(XPL_EINVAL, "csv options: unknown_category is %d",
                          o->unknown_category);
    if (!o->categories)
        return XPL_OK;
    if (!o->columns || !o->n_categories)
        return xpl__error(XPL_EINVAL, "csv options: categories needs "
                          "columns and n_categories");
    return XPL_OK;
}

/* Index the category names of the selected columns. */
static int take_categories(xpl_csv_reader *r, const xpl_csv_options *o)
{
    r->unknown_missing = o->unknown_category == XPL_UNKNOWN_CATEGORY_MISSING;
    if (!o->categories)
        return XPL_OK;
    r->cats = xpl__calloc_array(o->n_columns, sizeof *r->cats);
    if (!r->cats)
        return xpl__enomem();
    r->n_cats = o->n_columns;
    for (size_t i = 0; i < o->n_columns; i++) {
        if (!o->categories[i])
            continue;
        char what[200];
        snprintf(what, sizeof what, "csv options: column \"%.100s\"",
                 o->columns[i]);
        int rc = xpl__catnames_new(&r->cats[i], o->categories[i],
                                   o->n_categories[i], what);
        if (rc)
            return rc;
    }
    return XPL_OK;
}

/* The delivered columns are the requested ones, under their names.
 * Returns -1 when out of memory. */
static int copy_wanted_names(xpl_csv_reader *r)
{
    r->names_wanted = 1;
    r->n_cols = r->n_want;
    r->names = xpl__calloc_array(r->n_cols, sizeof *r->names);
    if (!r->names)
        return -1;
    for (size_t i = 0; i < r->n_cols; i++)
        if (!(r->names[i] = xpl__strdup(r->want[i])))
            return -1;
    return 0;
}

/* The options as the current version: an older caller's struct ends
 * before the later members, which must not be read. */
static void options_full(xpl_csv_options *full, const xpl_csv_options *o)
{
    if (o->version >= XPL_CSV_OPTIONS_VERSION) {
        *full = *o;
        return;
    }
    memset(full, 0, sizeof *full);
    memcpy(full, o, o->version >= 2 ? offsetof(xpl_csv_options, categories)
                                    : offsetof(xpl_csv_options,
                                               file_columns));
}

/* The text columns' names, kept for the headers of later texts (the
 * options' are borrowed only during open). -1 when out of memory. */
static int keep_text_names(xpl_csv_reader *r)
{
    r->text_names = xpl__calloc_array(r->n_text, sizeof *r->text_names);
    if (!r->text_names)
        return -1;
    for (size_t k = 0; k < r->n_text; k++)
        if (!(r->text_names[k] = xpl__strdup(r->want_text[k])))
            return -1;
    return 0;
}

/* Offset in the memory text of the byte after the header row, when that
 * row was the text's whole first line; 0 otherwise. Called right after the
 * header row was read (nothing after it is parsed yet). */
static size_t header_line_end(const xpl_csv_reader *r)
{
    if (!r->mem || r->in_quote || r->blanks)
        return 0;
    size_t end = r->mem_pos - (r->buf_len - r->buf_pos);
    if (r->pending_cr) { /* the CR of a CRLF ended it: take the LF too */
        if (r->line != 1 || end >= r->mem_size || r->mem[end] != '\n')
            return 0;
        return end + 1;
    }
    return r->line == 2 ? end : 0;
}

/* Read what comes before the rows (the header, or nothing) and remember
 * the header line of a memory text for xpl_csv_reader_reset_memory. */
static void start_text(xpl_csv_reader *r)
{
    while (r->phase != PHASE_ROWS && !r->err && !r->finished)
        step(r);
    if (!r->err && r->phase != PHASE_ROWS)
        fail(r, XPL_EFORMAT, "%s:1: empty file, expected %s", r->path,
             r->has_header ? "a header" : "a row");
    free(r->head);
    r->head = NULL;
    size_t end;
    if (r->err || r->first_phase != PHASE_HEADER ||
        !(end = header_line_end(r)))
        return;
    if ((r->head = malloc(end))) {
        memcpy(r->head, r->mem, end);
        r->head_len = end;
        r->head_fields = r->n_fields;
    }
}

/* Open a reader on a file (path; "-" for standard input) or on memory
 * (mem, size; `path` is then the name shown in messages). */
static int open_reader(xpl_csv_reader **out, const char *path,
                       const char *mem, size_t size,
                       const xpl_csv_options *opts)
{
    const xpl_csv_options defaults = XPL_CSV_OPTIONS_INIT;
    int rc = check_options(opts ? opts : &defaults);
    if (rc)
        return rc;
    xpl_csv_options full;
    options_full(&full, opts ? opts : &defaults);
    const xpl_csv_options *o = &full;
    if ((rc = check_options_v3(o)))
        return rc;

    xpl_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return xpl__enomem();
    r->fd = -1;
    r->line = 1;
    r->line_between_rows = 1;
    r->has_header = o->has_header;
    r->want = o->columns;
    r->n_want = o->n_columns;
    r->want_text = o->text_columns;
    r->n_text = o->n_text_columns;
    if ((rc = take_categories(r, o))) {
        xpl_csv_reader_free(r);
        return rc;
    }
    int use_stdin = !mem && strcmp(path, "-") == 0;
    r->path = xpl__strdup(use_stdin ? "<stdin>" : path);
    r->buf = malloc(CHUNK);
    r->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (r->n_text) {
        r->text_row = xpl__calloc_array(r->n_text, sizeof *r->text_row);
        r->text_done = xpl__calloc_array(r->n_text, sizeof *r->text_done);
    }
    if (!r->path || !r->buf || r->c_locale == (locale_t)0 ||
        (r->n_text && (!r->text_row || !r->text_done))) {
        xpl_csv_reader_free(r);
        return xpl__enomem();
    }
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        xpl_csv_reader_free(r);
        return xpl__enomem();
    }
    r->parser_ready = 1;
    r->delimiter = (unsigned char)o->delimiter;
    csv_set_delim(&r->parser, r->delimiter);
    csv_set_blk_size(&r->parser, 4096);

    if (mem) {
        r->mem = (const unsigned char *)mem;
        r->mem_size = size;
    } else if (use_stdin) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            rc = xpl__error(XPL_EIO, "%s: cannot open: %s", path,
                            strerror_l(errno, r->c_locale));
            xpl_csv_reader_free(r);
            return rc;
        }
        r->close_fd = 1;
    }

    if (o->file_columns) {
        /* Named file columns stand for the header the file does not have. */
        r->header = xpl__calloc_array(o->n_file_columns, sizeof *r->header);
        if (!r->header) {
            xpl_csv_reader_free(r);
            return xpl__enomem();
        }
        r->header_cap = o->n_file_columns;
        for (; r->header_n < o->n_file_columns; r->header_n++)
            if (!(r->header[r->header_n] =
                      xpl__strdup(o->file_columns[r->header_n]))) {
                xpl_csv_reader_free(r);
                return xpl__enomem();
            }
        if (r->want && copy_wanted_names(r)) {
            xpl_csv_reader_free(r);
            return xpl__enomem();
        }
        finish_header(r, o->n_file_columns);
    } else if (r->want && !r->has_header) {
        /* Without a header the columns are taken by position. */
        r->n_file_cols = r->n_cols = r->n_want;
        r->col_of = xpl__malloc_array(r->n_cols, sizeof *r->col_of);
        r->names = xpl__calloc_array(r->n_cols, sizeof *r->names);
        r->row = xpl__malloc_array(r->n_cols, sizeof *r->row);
        if (!r->col_of || !r->names || !r->row) {
            xpl_csv_reader_free(r);
            return xpl__enomem();
        }
        for (size_t i = 0; i < r->n_cols; i++) {
            r->col_of[i] = i;
            if (!(r->names[i] = xpl__strdup(r->want[i]))) {
                xpl_csv_reader_free(r);
                return xpl__enomem();
            }
        }
        r->phase = PHASE_ROWS;
    } else if (r->want) {
        /* The header decides the mapping; the names are the requested ones. */
        if (copy_wanted_names(r)) {
            xpl_csv_reader_free(r);
            return xpl__enomem();
        }
        r->phase = PHASE_HEADER;
    } else {
        r->phase = r->has_header ? PHASE_HEADER : PHASE_FIRST_ROW;
    }

    r->first_phase = r->phase;
    if (mem && r->n_text && keep_text_names(r)) {
        xpl_csv_reader_free(r);
        return xpl__enomem();
    }
    start_text(r);
    r->want = NULL; /* borrowed from opts only during open */
    r->want_text = NULL;
    if (r->err) {
        rc = report(r);
        xpl_csv_reader_free(r);
        return rc;
    }
    *out = r;
    return XPL_OK;
}

int xpl_csv_reader_open(xpl_csv_reader **out, const char *path,
                        const xpl_csv_options *opts)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!path || !*path)
        return xpl__error(XPL_EINVAL, "no path given");
    return open_reader(out, path, NULL, 0, opts);
}

int xpl_csv_reader_open_memory(xpl_csv_reader **out, const char *data,
                               size_t size, const char *name,
                               const xpl_csv_options *opts)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!data && size)
        return xpl__error(XPL_EINVAL, "data is NULL");
    /* a non-NULL pointer marks memory input, even for no bytes */
    return open_reader(out, name && *name ? name : "<memory>",
                       data ? data : "", size, opts);
}

/* Forget the mapping a header or first row made, before a new text makes
 * its own; what the options fixed stays. */
static void drop_text_columns(xpl_csv_reader *r)
{
    free(r->col_of);
    free(r->text_of);
    free(r->row);
    r->col_of = NULL;
    r->text_of = NULL;
    r->row = NULL;
    r->row_cap = 0;
    r->n_file_cols = 0;
    int names_from_text = r->first_phase == PHASE_FIRST_ROW ||
                          (r->first_phase == PHASE_HEADER && !r->names_wanted);
    if (names_from_text) {
        xpl__strings_free(r->names, r->n_cols);
        r->names = NULL;
        r->n_cols = 0;
    }
}

int xpl_csv_reader_reset_memory(xpl_csv_reader *r, const char *data,
                                size_t size)
{
    if (!r)
        return xpl__error(XPL_EINVAL, "reader is NULL");
    if (!r->mem)
        return xpl__error(XPL_EINVAL, "the reader reads a file, not memory");
    if (!data && size)
        return xpl__error(XPL_EINVAL, "data is NULL");
    csv_free(&r->parser);
    r->parser_ready = 0;
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return xpl__enomem();
    r->parser_ready = 1;
    csv_set_delim(&r->parser, r->delimiter);
    csv_set_blk_size(&r->parser, 4096);

    /* Where the reading of a text stands: as open_reader leaves it. */
    r->mem = (const unsigned char *)(data ? data : "");
    r->mem_size = size;
    r->mem_pos = r->buf_len = r->buf_pos = 0;
    r->started = r->at_eof = r->finished = 0;
    r->bytes_read = 0;
    r->line = 1;
    r->pending_cr = r->in_quote = 0;
    r->quote_line = r->quote_seq = r->n_fields = r->line_fields = 0;
    r->line_between_rows = 1;
    r->blanks = r->blank_line = 0;
    r->blanks_due = 0;
    r->field = 0;
    r->row_pending = 0;
    r->row_pending_line = r->last_row_line = 0;
    r->out = NULL;
    r->max_rows = r->n_out = 0;
    r->text_delivered = 0;
    r->err = 0;
    r->msg[0] = '\0';
    xpl__strings_free(r->header, r->header_n);
    r->header = NULL;
    r->header_n = r->header_cap = 0;
    r->phase = r->first_phase;

    if (r->phase == PHASE_ROWS)
        return XPL_OK; /* columns by position: nothing to read first */
    if (r->phase == PHASE_HEADER && r->head && size >= r->head_len &&
        memcmp(r->mem, r->head, r->head_len) == 0) {
        /* The same header line as the last text: the same mapping. The
         * reader stands where reading that line would have left it. */
        r->mem_pos = r->bytes_read = r->head_len;
        r->started = 1;
        r->line = 2;
        r->n_fields = r->line_fields = r->head_fields;
        r->phase = PHASE_ROWS;
        if (r->mem_pos == r->mem_size)
            r->at_eof = 1;
        return XPL_OK;
    }
    drop_text_columns(r);
    if (r->names_wanted) {
        r->want = (const char *const *)r->names;
        r->n_want = r->n_cols;
        r->want_text = (const char *const *)r->text_names;
    }
    start_text(r);
    r->want = NULL;
    r->want_text = NULL;
    return r->err ? report(r) : XPL_OK;
}

const char *xpl_csv_reader_text(const xpl_csv_reader *r, size_t k)
{
    if (!r || k >= r->n_text || !r->text_delivered)
        return NULL;
    return r->text_done[k].s;
}

size_t xpl_csv_reader_n_cols(const xpl_csv_reader *r)
{
    return r ? r->n_cols : 0;
}

const char *xpl_csv_reader_col_name(const xpl_csv_reader *r, size_t i)
{
    return r && i < r->n_cols ? r->names[i] : NULL;
}

uint64_t xpl_csv_reader_line(const xpl_csv_reader *r)
{
    return r ? r->last_row_line : 0;
}

uint64_t xpl_csv_reader_bytes(const xpl_csv_reader *r)
{
    return r ? r->bytes_read : 0;
}

int xpl_csv_reader_read(xpl_csv_reader *r, double *out, size_t max_rows,
                        size_t *n_read)
{
    if (!r || !out || !n_read)
        return xpl__error(XPL_EINVAL, "%s is NULL",
                          !r ? "reader" : !out ? "out" : "n_read");
    if (max_rows == 0)
        return xpl__error(XPL_EINVAL, "max_rows is 0");
    if (r->err)
        return report(r);

    r->out = out;
    r->max_rows = max_rows;
    r->n_out = 0;
    while (r->n_out < max_rows && !r->err) {
        if (r->blanks_due) {
            deliver_blank(r);
        } else if (r->row_pending) {
            memcpy(out + r->n_out * r->n_cols, r->row,
                   r->n_cols * sizeof *out);
            r->n_out++;
            r->last_row_line = r->row_pending_line;
            r->row_pending = 0;
        } else if (r->finished) {
            break;
        } else {
            step(r);
        }
    }
    r->out = NULL;

    if (r->n_out == 0 && r->err)
        return report(r);
    *n_read = r->n_out;
    return XPL_OK;
}

/* ----------------------------------------------------- whole-file read */

int xpl_dataset_read_csv(xpl_dataset **out, const char *path,
                         const xpl_csv_options *opts)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    xpl_csv_reader *r;
    int rc = xpl_csv_reader_open(&r, path, opts);
    if (rc)
        return rc;

    const size_t d = r->n_cols;
    double *x = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap == XPL_MAX_ROWS) {
                /* One more row would pass the limit: see if there is one. */
                double *probe = xpl__malloc_array(d, sizeof *probe);
                size_t got = 0;
                rc = probe ? xpl_csv_reader_read(r, probe, 1, &got)
                           : xpl__enomem();
                free(probe);
                if (!rc && got)
                    rc = xpl__error(XPL_ELIMIT, "%s:%llu: more than %zu rows",
                                    r->path,
                                    (unsigned long long)r->last_row_line,
                                    XPL_MAX_ROWS);
                break;
            }
            /* Start near 1 MiB whatever the width, then double. */
            size_t grown = cap ? 2 * cap : (1u << 17) / d + 1;
            if (grown > XPL_MAX_ROWS)
                grown = XPL_MAX_ROWS;
            size_t bytes;
            double *bigger = NULL;
            if (xpl__mul_ok(grown, d, &bytes) &&
                xpl__mul_ok(bytes, sizeof *x, &bytes))
                bigger = realloc(x, bytes);
            if (!bigger) {
                rc = xpl__enomem();
                break;
            }
            x = bigger;
            cap = grown;
        }
        size_t got = 0;
        if ((rc = xpl_csv_reader_read(r, x + n * d, cap - n, &got)) != XPL_OK)
            break;
        if (got == 0)
            break;
        n += got;
    }
    if (rc) {
        free(x);
        xpl_csv_reader_free(r);
        return rc;
    }

    if (n == 0) {
        free(x);
        x = NULL;
    } else if (n < cap) {
        double *fit = realloc(x, n * d * sizeof *x);
        if (fit)
            x = fit;
    }
    char **names = r->names; /* handed over to the dataset */
    r->names = NULL;
    rc = xpl__dataset_adopt(out, n, d, x, names, NULL);
    if (rc) {
        free(x);
        xpl__strings_free(names, d);
    }
    xpl_csv_reader_free(r);
    return rc;
}
