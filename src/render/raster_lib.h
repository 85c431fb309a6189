/* librsvg and cairo, loaded when the first chart is converted to PNG or
 * PDF rather than when libxplain is loaded: they bring about sixty shared
 * libraries (glib, pango, fontconfig, X11, ...) whose loading and
 * relocation cost every program that links libxplain about 12 ms at start,
 * whether or not it ever draws a raster chart. */
#ifndef XPL_RENDER_RASTER_LIB_H
#define XPL_RENDER_RASTER_LIB_H

#ifdef XPL_HAVE_RASTER
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

/* The entry points xpl_render_convert calls, typed from the headers it was
 * built against. */
struct xpl__raster_lib {
    __typeof__(&rsvg_handle_new_from_data) rsvg_handle_new_from_data;
    __typeof__(&rsvg_handle_get_intrinsic_size_in_pixels)
        rsvg_handle_get_intrinsic_size_in_pixels;
    __typeof__(&rsvg_handle_render_document) rsvg_handle_render_document;
    __typeof__(&g_error_free) g_error_free;
    __typeof__(&g_object_unref) g_object_unref;
    __typeof__(&cairo_image_surface_create) cairo_image_surface_create;
    __typeof__(&cairo_pdf_surface_create_for_stream)
        cairo_pdf_surface_create_for_stream;
    __typeof__(&cairo_pdf_surface_set_metadata) cairo_pdf_surface_set_metadata;
    __typeof__(&cairo_surface_status) cairo_surface_status;
    __typeof__(&cairo_surface_write_to_png_stream)
        cairo_surface_write_to_png_stream;
    __typeof__(&cairo_surface_finish) cairo_surface_finish;
    __typeof__(&cairo_surface_destroy) cairo_surface_destroy;
    __typeof__(&cairo_create) cairo_create;
    __typeof__(&cairo_scale) cairo_scale;
    __typeof__(&cairo_destroy) cairo_destroy;
};

/* Open `soname` (librsvg; cairo, gobject and glib come with it as its
 * dependencies) and fill *lib. Returns XPL_OK, or XPL_EUNSUPPORTED with
 * the loader's message (the library or one of its functions missing). */
int xpl__raster_lib_open(const char *soname, struct xpl__raster_lib *lib);

/* The process's loaded copy: opened once, on the first call from any
 * thread, and never changed after (a constant that is late, not mutable
 * state). NULL when it cannot be loaded, with the reason in
 * xpl_last_error(). */
const struct xpl__raster_lib *xpl__raster_lib(void);
#endif

#endif
