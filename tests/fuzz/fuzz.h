/* Shared by the fuzz harnesses (tests/fuzz/README.md). Each harness defines
 * LLVMFuzzerTestOneInput, and LLVMFuzzerInitialize if it has something to
 * set up; libFuzzer drives them (-Dfuzz=true with clang), and
 * fuzz_driver.c's main() replays files for every other build (the
 * regression replay test, AFL++'s `@@`). GSL's error handler is left as it
 * is: the library must never call it (docs; test_gsl_handler), and if it
 * did, the abort is a finding. */
#ifndef XPL_TESTS_FUZZ_H
#define XPL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

/* Optional, as in libFuzzer: weak, NULL when a harness has none. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
#if defined(__GNUC__)
    __attribute__((weak))
#endif
    ;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: print it and abort, which the fuzzer reports as a
 * crash with the input that caused it. */
void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* A failed library call must leave a one-line message naming `name`. */
void fuzz_check_error(int rc, const char *name);

/* Use a model that loaded: save it and read it back (the bytes must
 * round-trip), predict, and run the explainers on small inputs. */
void fuzz_exercise_model(const xpl_model *m, const char *name);

/* Load size bytes as a model file called name: a failure must leave no
 * model and a message (fuzz_check_error), a model is exercised
 * (fuzz_exercise_model) and freed. */
void fuzz_load_model(const uint8_t *data, size_t size, const char *name);

#endif
