/* librsvg and cairo are opened on the first PNG or PDF conversion, not
 * when libxplain is loaded (src/render/raster_lib.h): the process maps no
 * librsvg until then, and a library that is absent or lacks a function is
 * a clear XPL_EUNSUPPORTED, not a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "render/raster_lib.h"

/* 1 if a file whose name contains `what` is mapped into this process. */
static int mapped(const char *what)
{
    FILE *fp = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(fp);
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, fp))
        found = strstr(line, what) != NULL;
    fclose(fp);
    return found;
}

static const char svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\">"
    "<rect width=\"20\" height=\"10\" fill=\"#ff0051\"/></svg>";

/* Check runs each test in a process of its own (or, with CK_FORK=no, this
 * one first), so nothing has converted before it. */
START_TEST(opened_on_first_conversion)
{
    ck_assert_msg(!mapped("librsvg"), "librsvg is loaded before any "
                  "conversion");
    ck_assert_msg(!mapped("libcairo"), "cairo is loaded before any "
                  "conversion");
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    /* a bad argument is reported without loading anything */
    ck_assert_int_eq(xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PNG,
                                        9), XPL_EINVAL);
    ck_assert(!mapped("librsvg"));
    int rc = xpl_render_convert(fp, svg, strlen(svg), XPL_RASTER_PNG, 1);
#ifdef XPL_HAVE_RASTER
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    ck_assert(mapped("librsvg"));
    ck_assert(xpl_render_convert_available());
    ck_assert_int_gt(ftell(fp), 8);
    rewind(fp);
    unsigned char head[8];
    ck_assert_uint_eq(fread(head, 1, 8, fp), 8);
    ck_assert(!memcmp(head, "\x89PNG\r\n\x1a\n", 8));
#else
    ck_assert_int_eq(rc, XPL_EUNSUPPORTED);
    ck_assert(!xpl_render_convert_available());
#endif
    fclose(fp);
}
END_TEST

#ifdef XPL_HAVE_RASTER
START_TEST(absent_library)
{
    struct xpl__raster_lib lib;
    ck_assert_int_eq(xpl__raster_lib_open("libxplain-absent-test.so.7", &lib),
                     XPL_EUNSUPPORTED);
    const char *msg = xpl_last_error();
    ck_assert_msg(strstr(msg, "PNG and PDF output needs "
                         "libxplain-absent-test.so.7, which cannot be "
                         "loaded: ") == msg, "%s", msg);
    ck_assert(lib.rsvg_handle_new_from_data == NULL);
}
END_TEST

/* a library that loads but is not librsvg: the first missing function is
 * named */
START_TEST(library_without_the_functions)
{
    struct xpl__raster_lib lib;
    ck_assert_int_eq(xpl__raster_lib_open("libm.so.6", &lib),
                     XPL_EUNSUPPORTED);
    ck_assert_str_eq(xpl_last_error(), "PNG and PDF output: libm.so.6 has "
                     "no function rsvg_handle_new_from_data");
}
END_TEST

/* a PNG over cairo's 32767 pixels a side is XPL_ELIMIT naming the size
 * (cairo itself would fail as if out of memory); PDF has no such limit */
START_TEST(png_side_limit)
{
    static const char tall[] =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
        "height=\"20000\"><rect width=\"10\" height=\"20000\"/></svg>";
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(xpl_render_convert(fp, tall, strlen(tall),
                                        XPL_RASTER_PNG, 2), XPL_ELIMIT);
    ck_assert_str_eq(xpl_last_error(), "xpl_render_convert: the drawing is "
                     "20 x 40000 pixels at scale 2; a PNG can have at most "
                     "32767 pixels a side: draw fewer rows per chart, a "
                     "smaller scale, or use PDF or SVG");
    ck_assert_int_eq(ftell(fp), 0);
    ck_assert_msg(xpl_render_convert(fp, tall, strlen(tall), XPL_RASTER_PNG,
                                     1) == XPL_OK, "%s", xpl_last_error());
    ck_assert_int_gt(ftell(fp), 8);
    fclose(fp);
}
END_TEST

/* every entry point is found in the real library */
START_TEST(every_function_found)
{
    struct xpl__raster_lib lib;
    ck_assert_msg(xpl__raster_lib_open(XPL_RSVG_SONAME, &lib) == XPL_OK, "%s",
                  xpl_last_error());
    /* the struct holds function pointers only: none may be all zero */
    typedef void (*fn)(void);
    static const unsigned char zero[sizeof(fn)];
    const unsigned char *p = (const unsigned char *)&lib;
    ck_assert_uint_eq(sizeof lib % sizeof(fn), 0);
    for (size_t i = 0; i < sizeof lib / sizeof(fn); i++)
        ck_assert_msg(memcmp(p + i * sizeof(fn), zero, sizeof(fn)) != 0,
                      "entry point %zu is NULL", i);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("raster_lib");
    TCase *tc = tcase_create("raster_lib");
    tcase_add_test(tc, opened_on_first_conversion);
#ifdef XPL_HAVE_RASTER
    tcase_add_test(tc, absent_library);
    tcase_add_test(tc, library_without_the_functions);
    tcase_add_test(tc, every_function_found);
    tcase_add_test(tc, png_side_limit);
#endif
    suite_add_tcase(s, tc);
    return run_suite(s);
}
