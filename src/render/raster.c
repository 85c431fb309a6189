/* PNG and PDF from our SVG documents: librsvg parses and draws them on a
 * cairo surface that writes to the caller's stream. Both are loaded on the
 * first conversion (raster_lib.c). Without them at build time, or when
 * they cannot be loaded, every call reports XPL_EUNSUPPORTED. */
#include <math.h>
#include <stdio.h>
#include <xplain/render.h>

#include "core/error.h"
#include "raster_lib.h"

#ifdef XPL_HAVE_RASTER

/* the largest width or height of a cairo image surface */
enum { PNG_MAX_SIDE = 32767 };

int xpl_render_convert_available(void)
{
    return xpl__raster_lib() != NULL;
}

static cairo_status_t write_stream(void *closure, const unsigned char *data,
                                   unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}

int xpl_render_convert(FILE *fp, const char *svg, size_t len,
                       xpl_raster_format format, double scale)
{
    static const char fn[] = "xpl_render_convert";
    if (!fp || !svg || len == 0)
        return xpl__error(XPL_EINVAL, "%s: stream or document missing", fn);
    if (format != XPL_RASTER_PNG && format != XPL_RASTER_PDF)
        return xpl__error(XPL_EINVAL, "%s: format %d is neither PNG nor PDF",
                          fn, (int)format);
    if (scale == 0)
        scale = 2;
    if (!(scale >= 1 && scale <= 8))
        return xpl__error(XPL_EINVAL, "%s: scale %g is outside 1 to 8", fn,
                          scale);
    const struct xpl__raster_lib *L = xpl__raster_lib();
    if (!L)
        return XPL_EUNSUPPORTED; /* the message says which library */
    GError *err = NULL;
    RsvgHandle *h = L->rsvg_handle_new_from_data((const guint8 *)svg, len,
                                                 &err);
    if (!h) {
        int rc = xpl__error(XPL_EFORMAT, "%s: librsvg cannot read the SVG: "
                            "%s", fn, err ? err->message : "unknown error");
        if (err)
            L->g_error_free(err);
        return rc;
    }
    double w = 0, hgt = 0;
    if (!L->rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) ||
        !(w > 0 && hgt > 0 && w < 1e5 && hgt < 1e6)) {
        L->g_object_unref(h);
        return xpl__error(XPL_EFORMAT, "%s: the SVG has no usable width and "
                          "height in pixels", fn);
    }
    cairo_surface_t *surf;
    double k = format == XPL_RASTER_PNG ? scale : 0.75;
    /* cairo's image surfaces end at 32767 pixels a side; past it creation
     * fails as if memory had run out, so say what the limit is instead */
    if (format == XPL_RASTER_PNG &&
        (ceil(w * k) > PNG_MAX_SIDE || ceil(hgt * k) > PNG_MAX_SIDE)) {
        L->g_object_unref(h);
        return xpl__error(XPL_ELIMIT, "%s: the drawing is %.0f x %.0f "
                          "pixels at scale %g; a PNG can have at most %d "
                          "pixels a side: draw fewer rows per chart, a "
                          "smaller scale, or use PDF or SVG", fn,
                          ceil(w * k), ceil(hgt * k), k, PNG_MAX_SIDE);
    }
    if (format == XPL_RASTER_PNG) {
        surf = L->cairo_image_surface_create(
            CAIRO_FORMAT_ARGB32, (int)ceil(w * k), (int)ceil(hgt * k));
    } else {
        surf = L->cairo_pdf_surface_create_for_stream(write_stream, fp,
                                                      w * k, hgt * k);
        /* no creation date: the same drawing gives the same bytes */
        L->cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                          "xplain");
        L->cairo_pdf_surface_set_metadata(
            surf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    }
    if (L->cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        L->cairo_surface_destroy(surf);
        L->g_object_unref(h);
        return xpl__enomem();
    }
    cairo_t *cr = L->cairo_create(surf);
    L->cairo_scale(cr, k, k);
    RsvgRectangle view = { 0, 0, w, hgt };
    int rc = XPL_OK;
    if (!L->rsvg_handle_render_document(h, cr, &view, &err)) {
        rc = xpl__error(XPL_EFORMAT, "%s: librsvg cannot draw the SVG: %s",
                        fn, err ? err->message : "unknown error");
        if (err)
            L->g_error_free(err);
    }
    L->cairo_destroy(cr);
    if (rc == XPL_OK && format == XPL_RASTER_PNG &&
        L->cairo_surface_write_to_png_stream(surf, write_stream, fp) !=
            CAIRO_STATUS_SUCCESS)
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    L->cairo_surface_finish(surf);
    if (rc == XPL_OK && L->cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    L->cairo_surface_destroy(surf);
    L->g_object_unref(h);
    if (rc == XPL_OK && ferror(fp))
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    return rc;
}

#else

int xpl_render_convert_available(void)
{
    xpl__error(XPL_EUNSUPPORTED, "this xplain was built without librsvg and "
               "cairo");
    return 0;
}

int xpl_render_convert(FILE *fp, const char *svg, size_t len,
                       xpl_raster_format format, double scale)
{
    (void)fp;
    (void)svg;
    (void)len;
    (void)format;
    (void)scale;
    return xpl__error(XPL_EUNSUPPORTED, "xpl_render_convert: this xplain "
                      "was built without librsvg and cairo (PNG and PDF "
                      "output); SVG is available");
}

#endif
