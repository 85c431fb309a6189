/* explain importance MODEL --explanations A.jsonl ...: global importance
 * from per-row JSON Lines explanations (what shards of a batch wrote). */
#ifndef XPL_CLI_IMPORTANCE_EXPLANATIONS_H
#define XPL_CLI_IMPORTANCE_EXPLANATIONS_H

#include "explain_args.h"

/* Read every file (in order; "-" is standard input), accumulate and write
 * the table or chart a asks for. Returns the exit code. */
int importance_from_explanations(const struct explain_args *a);

#endif
