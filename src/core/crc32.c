/* placeholder: being written */
#include <xplain/xplain.h>
