/* Loading librsvg and cairo on first use (see raster_lib.h for why). */
#include "raster_lib.h"

#ifdef XPL_HAVE_RASTER
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

int xpl__raster_lib_open(const char *soname, struct xpl__raster_lib *lib)
{
    memset(lib, 0, sizeof *lib);
    /* RTLD_LOCAL: the symbols stay out of the program's namespace, so a
     * program with its own (other) glib or cairo is not disturbed. The
     * handle is never closed: glib's type system cannot be unloaded. */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        return xpl__error(XPL_EUNSUPPORTED, "PNG and PDF output needs %s, "
                          "which cannot be loaded: %s", soname,
                          why ? why : "unknown error");
    }
    /* dlsym on the handle searches librsvg and the libraries it needs */
#define XPL__SYM(name)                                                     \
    do {                                                                   \
        void *p = dlsym(h, #name);                                         \
        if (!p)                                                            \
            return xpl__error(XPL_EUNSUPPORTED, "PNG and PDF output: %s "  \
                              "has no function %s", soname, #name);        \
        memcpy(&lib->name, &p, sizeof p);                                  \
    } while (0)
    XPL__SYM(rsvg_handle_new_from_data);
    XPL__SYM(rsvg_handle_get_intrinsic_size_in_pixels);
    XPL__SYM(rsvg_handle_render_document);
    XPL__SYM(g_error_free);
    XPL__SYM(g_object_unref);
    XPL__SYM(cairo_image_surface_create);
    XPL__SYM(cairo_pdf_surface_create_for_stream);
    XPL__SYM(cairo_pdf_surface_set_metadata);
    XPL__SYM(cairo_surface_status);
    XPL__SYM(cairo_surface_write_to_png_stream);
    XPL__SYM(cairo_surface_finish);
    XPL__SYM(cairo_surface_destroy);
    XPL__SYM(cairo_create);
    XPL__SYM(cairo_scale);
    XPL__SYM(cairo_destroy);
#undef XPL__SYM
    return XPL_OK;
}

/* Written once under pthread_once, read-only afterwards. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct xpl__raster_lib loaded;
static int load_rc;
static char load_error[512];

static void load(void)
{
    load_rc = xpl__raster_lib_open(XPL_RSVG_SONAME, &loaded);
    if (load_rc)
        snprintf(load_error, sizeof load_error, "%s", xpl_last_error());
}

const struct xpl__raster_lib *xpl__raster_lib(void)
{
    pthread_once(&once, load);
    if (load_rc) {
        xpl__error(load_rc, "%s", load_error);
        return NULL;
    }
    return &loaded;
}
#endif
