/* The help texts of the main form and of explain importance. */
#ifndef XPL_CLI_EXPLAIN_USAGE_H
#define XPL_CLI_EXPLAIN_USAGE_H

/* NULL-terminated parts, printed one after the other by --help. */
extern const char *const explain_usage[];
extern const char *const importance_usage[];
/* The main form's methods and options without its first lines, for the
 * top-level 'explain --help'. */
extern const char *const explain_usage_body[];
/* Where the documentation is, the last lines of the main form's help. */
extern const char explain_usage_see_also[];

#endif
