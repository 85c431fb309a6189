/* Shared by the fuzz harnesses (tests/fuzz/README.md). Each harness defines
 * LLVMFuzzerTestOneInput and LLVMFuzzerInitialize; libFuzzer drives them
 * (-Dfuzz=true with clang), and fuzz_driver.c's main() replays files for
 * every other build (the regression replay test, AFL++'s `@@`). */
#ifndef XPL_TESTS_FUZZ_H
#define XPL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
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

#endif
