/* The help texts of the main form and of explain importance. */
#ifndef XPL_CLI_EXPLAIN_USAGE_H
#define XPL_CLI_EXPLAIN_USAGE_H

/* NULL-terminated parts, printed one after the other by --help. */
extern const char *const explain_usage[];
extern const char *const importance_usage[];

#endif
