#include <xplain/xplain.h>

const char *xpl_version(void)
{
    return XPL_VERSION_STRING;
}
