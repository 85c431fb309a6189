/* The public headers are strict C99: compiling this file is the test. */
#include <xplain/adapter.h>
#include <xplain/lime.h>
#include <xplain/render.h>
#include <xplain/xplain.h>

int main(void)
{
    xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
    return opts.version == XPL_CSV_OPTIONS_VERSION ? 0 : 1;
}
