/* PNG and PDF from our SVG documents: librsvg parses and draws them on a
 * cairo surface that writes to the caller's stream. Without librsvg and
 * cairo at build time every call reports XPL_EUNSUPPORTED. */
#include <math.h>
#include <stdio.h>
#include <xplain/render.h>

#include "core/error.h"

#ifdef XPL_HAVE_RASTER
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

int xpl_render_convert_available(void)
{
    return 1;
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
    GError *err = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
    if (!h) {
        int rc = xpl__error(XPL_EFORMAT, "%s: librsvg cannot read the SVG: "
                            "%s", fn, err ? err->message : "unknown error");
        if (err)
            g_error_free(err);
        return rc;
    }
    double w = 0, hgt = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) ||
        !(w > 0 && hgt > 0 && w < 1e5 && hgt < 1e6)) {
        g_object_unref(h);
        return xpl__error(XPL_EFORMAT, "%s: the SVG has no usable width and "
                          "height in pixels", fn);
    }
    cairo_surface_t *surf;
    double k = format == XPL_RASTER_PNG ? scale : 0.75;
    if (format == XPL_RASTER_PNG) {
        surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                          (int)ceil(w * k), (int)ceil(hgt * k));
    } else {
        surf = cairo_pdf_surface_create_for_stream(write_stream, fp, w * k,
                                                   hgt * k);
        /* no creation date: the same drawing gives the same bytes */
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                       "xplain");
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE,
                                       "2000-01-01T00:00:00Z");
    }
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        g_object_unref(h);
        return xpl__enomem();
    }
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, k, k);
    RsvgRectangle view = { 0, 0, w, hgt };
    int rc = XPL_OK;
    if (!rsvg_handle_render_document(h, cr, &view, &err)) {
        rc = xpl__error(XPL_EFORMAT, "%s: librsvg cannot draw the SVG: %s",
                        fn, err ? err->message : "unknown error");
        if (err)
            g_error_free(err);
    }
    cairo_destroy(cr);
    if (rc == XPL_OK && format == XPL_RASTER_PNG &&
        cairo_surface_write_to_png_stream(surf, write_stream, fp) !=
            CAIRO_STATUS_SUCCESS)
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    cairo_surface_finish(surf);
    if (rc == XPL_OK && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    cairo_surface_destroy(surf);
    g_object_unref(h);
    if (rc == XPL_OK && ferror(fp))
        rc = xpl__error(XPL_EIO, "%s: write error", fn);
    return rc;
}

#else

int xpl_render_convert_available(void)
{
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
