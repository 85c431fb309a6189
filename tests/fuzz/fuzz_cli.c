/* The command-line front end: each input is an argument list, one argument
 * per line, run through the CLI's top-level dispatch (src/cli/main.c,
 * compiled with main renamed cli_main) inside a scratch folder that holds
 * small models and CSV files under fixed names. Arguments naming other
 * folders (a '/') are skipped, so -o cannot write outside the scratch
 * folder; so are numbers of 6 digits or more, whose only effect would be a
 * long run (--num-samples 999999). */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

int cli_main(int argc, char **argv);

enum { MAX_ARGS = 24, MAX_ARG_LEN = 128 };

/* The scratch folder's files, rewritten before every run: a run may have
 * replaced one (convert -o m.bin). */
struct file {
    const char *name;
    char *data;
    size_t size;
};

static const char linear_json[] =
    "{\"type\":\"linear\",\"link\":\"logit\",\"feature_names\":[\"a\",\"b\","
    "\"c\"],\"intercept\":[0.5],\"coef\":[[1,-2,0.25]]}";
static const char tree_json[] =
    "{\"type\":\"tree_ensemble\",\"link\":\"identity\",\"feature_names\":"
    "[\"a\",\"b\",\"c\"],\"n_outputs\":1,\"aggregation\":\"sum\","
    "\"base_score\":[1],\"threshold_type\":\"float32\",\"comparison\":\"<\","
    "\"trees\":[{\"output\":0,\"feature\":[1,2,-1,-1,-1],\"threshold\":"
    "[0.5,1.5,0,0,0],\"left\":[1,3,-1,-1,-1],\"right\":[2,4,-1,-1,-1],"
    "\"default_left\":[1,0,0,0,0],\"value\":[0,0,2,-1,0.5],\"cover\":"
    "[6,4,2,1,3]}]}";
static const char rows_csv[] = "a,b,c,y\n1,0,2,1\n-1,1,,0\n0.5,2,1,1\n3,0,0,0\n";
static const char bad_csv[] = "a,b,c\n1,2,3\n4,x,6\n";
static const char nohdr_csv[] = "1,0,2\n-1,1,3\n";

static struct file files[] = {
    { "m.json", NULL, 0 }, { "t.json", NULL, 0 }, { "m.bin", NULL, 0 },
    { "t.bin", NULL, 0 },  { "x.csv", NULL, 0 },  { "bad.csv", NULL, 0 },
    { "n.csv", NULL, 0 },
};
#define N_FILES (sizeof files / sizeof files[0])

static char scratch[512];
static int home = -1; /* the starting folder, where the fuzzer's files are */

static void put(const char *name, const void *data, size_t size)
{
    FILE *f = fopen(name, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write %s/%s", scratch, name);
}

/* model.bin with a background and statistics, from a JSON model. */
static void bundle(struct file *out, const char *json, const xpl_dataset *bg)
{
    xpl_model *m = NULL;
    xpl_stats *st = NULL;
    void *bytes = NULL;
    if (xpl_model_load_buffer(&m, json, strlen(json), "seed") ||
        xpl_model_set_background(m, bg) || xpl_stats_compute(&st, bg) ||
        xpl_model_set_stats(m, st) ||
        xpl_model_serialize(m, &bytes, &out->size))
        fuzz_fail("building %s: %s", out->name, xpl_last_error());
    out->data = bytes;
    xpl_stats_free(st);
    xpl_model_free(m);
}

static void keep(struct file *f, const char *text)
{
    f->size = strlen(text);
    f->data = malloc(f->size);
    if (!f->data)
        fuzz_fail("out of memory");
    memcpy(f->data, text, f->size);
}

static void remove_scratch(void)
{
    DIR *d = opendir(scratch);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/xpl-fuzz-cli-XXXXXX",
             dir && dir[0] ? dir : "/tmp");
    home = open(".", O_RDONLY | O_DIRECTORY);
    if (home < 0 || !mkdtemp(scratch) || chdir(scratch) != 0)
        fuzz_fail("cannot use a scratch folder");
    atexit(remove_scratch);
    /* The CLI's output is not what is tested; stdin is never waited on. */
    if (!freopen("/dev/null", "w", stdout) ||
        !freopen("/dev/null", "r", stdin))
        fuzz_fail("cannot redirect the standard streams");

    keep(&files[0], linear_json);
    keep(&files[1], tree_json);
    keep(&files[4], rows_csv);
    keep(&files[5], bad_csv);
    keep(&files[6], nohdr_csv);
    put("x.csv", rows_csv, strlen(rows_csv));
    static const char *const cols[] = { "a", "b", "c" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 3;
    xpl_dataset *bg = NULL;
    if (xpl_dataset_read_csv(&bg, "x.csv", &o))
        fuzz_fail("x.csv: %s", xpl_last_error());
    bundle(&files[2], linear_json, bg);
    bundle(&files[3], tree_json, bg);
    xpl_dataset_free(bg);
    /* libFuzzer reads its corpus folders after this, from where it was
     * started: the scratch folder is entered for each run only. */
    if (fchdir(home) != 0)
        fuzz_fail("cannot return to the starting folder");
    return 0;
}

/* Remove what the last run created; restore the inputs. */
static void reset_scratch(void)
{
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int ours = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (size_t i = 0; i < N_FILES && !ours; i++)
            ours = !strcmp(e->d_name, files[i].name);
        if (!ours && unlink(e->d_name) != 0)
            rmdir(e->d_name);
    }
    if (d)
        closedir(d);
    for (size_t i = 0; i < N_FILES; i++)
        put(files[i].name, files[i].data, files[i].size);
}

static int acceptable(const char *arg)
{
    if (strchr(arg, '/'))
        return 0;
    int digits = 0;
    for (const char *p = arg; *p; p++) {
        digits = *p >= '0' && *p <= '9' ? digits + 1 : 0;
        if (digits >= 6)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[MAX_ARGS][MAX_ARG_LEN + 1];
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = (char *)"explain";
    size_t i = 0;
    while (i < size) {
        if (argc > MAX_ARGS)
            return 0;
        size_t len = 0;
        while (i < size && data[i] != '\n') {
            if (data[i] == '\0' || len == MAX_ARG_LEN)
                return 0;
            buf[argc - 1][len++] = (char)data[i++];
        }
        i++; /* the newline */
        buf[argc - 1][len] = '\0';
        if (!acceptable(buf[argc - 1]))
            return 0;
        argv[argc] = buf[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    if (chdir(scratch) != 0)
        fuzz_fail("cannot enter %s", scratch);
    reset_scratch();

    /* getopt keeps state between calls (a half-read "-qh"); the commands
     * set optind = 1, which glibc does not treat as a full restart. */
    char *none[] = { (char *)"explain", NULL };
    optind = 0;
    (void)getopt(1, none, "");

    int status = cli_main(argc, argv);
    fflush(stdout);
    clearerr(stdout);
    if (status < 0 || status > 3)
        fuzz_fail("exit status %d is not 0-3", status);
    if (fchdir(home) != 0)
        fuzz_fail("cannot return to the starting folder");
    return 0;
}
