// The public headers compile as C++ with C linkage: compiling is the test.
#include <xplain/adapter.h>
#include <xplain/lime.h>
#include <xplain/render.h>
#include <xplain/xplain.h>

int main()
{
    xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
    const char *(*v)() = xpl_version;
    return opts.version == XPL_CSV_OPTIONS_VERSION && v ? 0 : 1;
}
