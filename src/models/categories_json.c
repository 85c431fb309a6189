/* CATS.json: {"feature": ["name of code 0", "name of code 1", ...], ...}.
 * A small scanner of its own rather than jansson, so that every error, in
 * the syntax or in what it says (an unknown feature, a repeated name), can
 * point at its line and column. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "data/category_names.h"
#include "models/model_file.h"
#include "models/model_internal.h"

struct scan {
    const char *path;
    const char *s;
    size_t n, pos;
    size_t line, line_start; /* 1-based line; offset where it starts */
};

static int fail_at(const struct scan *p, size_t pos, int code,
                   const char *fmt, ...) XPL__PRINTF(4, 5);

/* An error at byte `pos`: "path:line:col: message" (col 1-based, in
 * bytes). Lines are counted up to pos. */
static int fail_at(const struct scan *p, size_t pos, int code,
                   const char *fmt, ...)
{
    size_t line = 1, start = 0;
    for (size_t i = 0; i < pos && i < p->n; i++)
        if (p->s[i] == '\n') {
            line++;
            start = i + 1;
        }
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return xpl__error(code, "%s:%zu:%zu: %s", p->path, line, pos - start + 1,
                      msg);
}

static void skip_ws(struct scan *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* What is at pos, for "found ..." in messages. */
static const char *found(const struct scan *p, char *buf, size_t cap)
{
    if (p->pos >= p->n)
        return "the end of the file";
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", c);
    return buf;
}

static int expect(struct scan *p, char c, const char *what)
{
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == c) {
        p->pos++;
        return XPL_OK;
    }
    char buf[32];
    return fail_at(p, p->pos, XPL_EFORMAT, "expected %s, found %s", what,
                   found(p, buf, sizeof buf));
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | cp >> 12);
        d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | cp >> 18);
    d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A JSON string at pos (after white space), decoded into a new
 * NUL-terminated *out. `what` says what was expected. */
static int read_string(struct scan *p, const char *what, char **out,
                       size_t *at)
{
    skip_ws(p);
    *at = p->pos;
    if (p->pos >= p->n || p->s[p->pos] != '"') {
        char buf[32];
        return fail_at(p, p->pos, XPL_EFORMAT, "expected %s (a string), "
                       "found %s", what, found(p, buf, sizeof buf));
    }
    size_t start = ++p->pos, end = start;
    while (end < p->n && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->n)
        return fail_at(p, *at, XPL_EFORMAT, "unterminated string");
    /* Decoding never lengthens: \uXXXX (6 bytes) gives at most 3, a pair
     * (12 bytes) 4. */
    char *d = malloc(end - start + 1);
    if (!d)
        return xpl__enomem();
    size_t k = 0;
    for (size_t i = start; i < end;) {
        unsigned char c = (unsigned char)p->s[i];
        if (c < 0x20) {
            free(d);
            return fail_at(p, i, XPL_EFORMAT, "control character 0x%02x in "
                           "a string (write it as \\u%04x)", c, c);
        }
        if (c != '\\') {
            d[k++] = (char)c;
            i++;
            continue;
        }
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        char e = p->s[i + 1];
        const char *simple = strchr(from, e);
        if (e && simple) {
            d[k++] = to[simple - from];
            i += 2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || i + 6 > end || hex4(p->s + i + 2, &cp)) {
            free(d);
            return fail_at(p, i, XPL_EFORMAT, "bad escape sequence");
        }
        size_t esc = i;
        i += 6;
        if (cp >= 0xd800 && cp < 0xdc00) {
            if (i + 6 > end || p->s[i] != '\\' || p->s[i + 1] != 'u' ||
                hex4(p->s + i + 2, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                free(d);
                return fail_at(p, esc, XPL_EFORMAT, "a high surrogate "
                               "without its low surrogate");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            free(d);
            return fail_at(p, esc, XPL_EFORMAT, "a lone low surrogate");
        }
        if (cp == 0) {
            free(d);
            return fail_at(p, esc, XPL_EFORMAT, "a NUL character in a "
                           "string");
        }
        k += put_utf8(d + k, cp);
    }
    d[k] = '\0';
    p->pos = end + 1;
    if (!xpl__utf8_valid(d, k)) {
        free(d);
        return fail_at(p, *at, XPL_EFORMAT, "the string is not valid "
                       "UTF-8");
    }
    *out = d;
    return XPL_OK;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ["a", "b", ...] into names for feature j. */
static int read_names(struct scan *p, const xpl_model *m, size_t j,
                      xpl__catnames **out)
{
    skip_ws(p);
    size_t open_at = p->pos;
    int rc = expect(p, '[', "'[' (the feature's category names)");
    if (rc)
        return rc;
    char **names = NULL;
    size_t n = 0, cap = 0;
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ']') {
        p->pos++;
        return fail_at(p, open_at, XPL_EFORMAT, "feature \"%s\": no "
                       "category names", m->feature_names[j]);
    }
    for (;;) {
        if (n == XPL_MAX_CATEGORIES) {
            rc = fail_at(p, p->pos, XPL_ELIMIT, "feature \"%s\": more than "
                         "%zu categories", m->feature_names[j],
                         XPL_MAX_CATEGORIES);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown) {
                rc = xpl__enomem();
                break;
            }
            names = grown;
        }
        size_t at;
        char *name;
        if ((rc = read_string(p, "a category name", &name, &at)))
            break;
        names[n++] = name;
        if (!name[0]) {
            rc = fail_at(p, at, XPL_EFORMAT, "feature \"%s\": the name of "
                         "category %zu is empty", m->feature_names[j], n - 1);
            break;
        }
        if (strlen(name) > XPL_MAX_NAME_LENGTH) {
            rc = fail_at(p, at, XPL_ELIMIT, "feature \"%s\": the name of "
                         "category %zu is longer than %zu bytes",
                         m->feature_names[j], n - 1, XPL_MAX_NAME_LENGTH);
            break;
        }
        for (size_t k = 0; k + 1 < n; k++)
            if (strcmp(names[k], name) == 0) {
                /* quadratic only in the rare failing case below */
                rc = 1;
                break;
            }
        if (rc) {
            rc = fail_at(p, at, XPL_EFORMAT, "feature \"%s\": category %zu "
                         "is named \"%.200s\" like an earlier one",
                         m->feature_names[j], n - 1, name);
            break;
        }
        skip_ws(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        rc = expect(p, ']', "',' or ']'");
        break;
    }
    if (!rc) {
        char what[XPL_MAX_NAME_LENGTH + 32];
        snprintf(what, sizeof what, "feature \"%s\"", m->feature_names[j]);
        rc = xpl__catnames_new(out, (const char *const *)names, n, what);
    }
    free_list(names, n);
    return rc;
}

static int parse(struct scan *p, const xpl_model *m, xpl__catnames **got)
{
    skip_ws(p);
    int rc = expect(p, '{', "'{' (an object: feature name -> category "
                    "names)");
    if (rc)
        return rc;
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == '}') {
        p->pos++;
    } else {
        for (;;) {
            char *key;
            size_t at;
            if ((rc = read_string(p, "a feature name", &key, &at)))
                return rc;
            size_t j = 0;
            while (j < m->n_features && strcmp(m->feature_names[j], key))
                j++;
            if (j == m->n_features)
                rc = fail_at(p, at, XPL_EFORMAT, "the model has no feature "
                             "\"%.200s\"", key);
            else if (got[j])
                rc = fail_at(p, at, XPL_EFORMAT, "feature \"%.200s\" is "
                             "given twice", key);
            free(key);
            if (rc || (rc = expect(p, ':', "':'")) ||
                (rc = read_names(p, m, j, &got[j])))
                return rc;
            skip_ws(p);
            if (p->pos < p->n && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if ((rc = expect(p, '}', "',' or '}'")))
                return rc;
            break;
        }
    }
    skip_ws(p);
    if (p->pos < p->n) {
        char buf[32];
        return fail_at(p, p->pos, XPL_EFORMAT, "expected the end of the "
                       "file after the object, found %s",
                       found(p, buf, sizeof buf));
    }
    return XPL_OK;
}

int xpl__model_parse_categories(xpl_model *m, const char *text, size_t size,
                                const char *name)
{
    xpl__catnames **got = xpl__calloc_array(m->n_features, sizeof *got);
    if (!got)
        return xpl__enomem();
    struct scan p = { name, text, size, 0, 1, 0 };
    /* a UTF-8 byte order mark is allowed */
    if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        p.pos = 3;
    int rc = parse(&p, m, got);
    /* Adopting cannot fail once the table exists: make it first, so that
     * the model changes all at once or not at all. */
    if (!rc && !m->categories) {
        m->categories = xpl__calloc_array(m->n_features,
                                          sizeof *m->categories);
        if (!m->categories)
            rc = xpl__enomem();
    }
    for (size_t j = 0; j < m->n_features; j++) {
        if (!rc && got[j])
            (void)xpl__model_adopt_catnames(m, j, got[j]);
        else
            xpl__catnames_free(got[j]);
    }
    free(got);
    return rc;
}

int xpl_model_read_categories(xpl_model *m, const char *path)
{
    if (!m || !path)
        return xpl__error(XPL_EINVAL, "xpl_model_read_categories: NULL "
                          "argument");
    unsigned char *text = NULL;
    size_t size = 0;
    int rc = xpl__read_model_file(path, &text, &size);
    if (rc)
        return rc;
    rc = xpl__model_parse_categories(m, (const char *)text, size, path);
    free(text);
    return rc;
}
