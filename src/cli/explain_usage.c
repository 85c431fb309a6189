/* The help texts of the main form and of explain importance. */
#include <stddef.h>

#include "explain_usage.h"

static const char usage_intro[] =
    "Usage: explain [--method M] MODEL ROWS.csv [options]\n"
    "\n"
    "Explain every row of ROWS.csv ('-' for standard input): how much each\n"
    "feature moves the model's output away from its expected value.\n"
    "\n";

static const char usage_methods[] =
    "Methods (--method):\n"
    "  shap          the exact algorithm when the model has one (default):\n"
    "                tree models: interventional TreeSHAP over the background\n"
    "                (given or embedded), else path-dependent TreeSHAP;\n"
    "                linear models: linear SHAP; otherwise, or for\n"
    "                probabilities, Kernel SHAP. The output's \"method\" says\n"
    "                which ran.\n"
    "  kernel-shap   model-agnostic Shapley values over a background (shap's\n"
    "                KernelExplainer): exact when every coalition fits in\n"
    "                the budget, sampled otherwise, with standard errors\n"
    "  tree-shap     exact TreeSHAP (raw margins of tree models)\n"
    "  linear-shap   exact w_k (x_k - E x_k) (raw margins of linear models)\n"
    "  lime          local weighted linear surrogates (lime's\n"
    "                LimeTabularExplainer)\n"
    "\n"
    "Common options:\n"
    "  --background BG.csv  background rows (LIME: training data); default:\n"
    "                       what MODEL embeds ('explain convert --background')\n"
    "  --background-size K  summarise the background to K rows\n"
    "  --background-method sample|kmeans\n"
    "                       draw K rows uniformly (default) or K weighted\n"
    "                       k-means centres, like shap.sample / shap.kmeans\n"
    "  --class K            only output K (0-based): a classifier's class K,\n"
    "                       under every method (a binary classifier has 0\n"
    "                       and 1, its model output being class 1); default:\n"
    "                       SHAP every output, LIME the predicted class (or\n"
    "                       class 1 of a binary model); docs/output.md\n"
    "  --model-output raw|probability|response\n"
    "                       explain margins (default for SHAP), class\n"
    "                       probabilities (default for LIME on classifiers),\n"
    "                       or the response after the model's link\n"
    "  --seed S             seed (default 0); a row's numbers depend only on\n"
    "                       S and its values, not on --threads or on where\n"
    "                       the row is in the file\n"
    "  --threads T          rows explained in parallel (default 1)\n"
    "  --no-header          CSV files have no header: columns by position\n"
    "  --delimiter C        field separator (default ',')\n"
    "\n";

static const char usage_options[] =
    "Kernel SHAP:\n"
    "  --nsamples N         coalitions per row (default 2M + 2048 for M\n"
    "                       varying features; all 2^M - 2 when that is fewer,\n"
    "                       which gives exact values)\n"
    "  --sampler xplain|shap|leverage\n"
    "                       coalition sampling (default xplain: about half\n"
    "                       shap's error; 'shap' reproduces shap's scheme)\n"
    "  --tolerance T        stop sampling a row once max std error / range of\n"
    "                       the contributions <= T (default 0: full budget)\n"
    "  --link identity|logit  link applied to expected outputs (shap's link)\n"
    "  --l1 none|aic|bic|top:K  feature selection, as shap's l1_reg\n"
    "\n"
    "TreeSHAP:\n"
    "  --interactions       also SHAP interaction values (path-dependent,\n"
    "                       JSON only)\n"
    "\n"
    "LIME:\n"
    "  --num-samples N      perturbed samples per row (default 5000)\n"
    "  --num-features K     features in each explanation (default 10)\n"
    "  --discretizer quartile|decile|none   (default quartile)\n"
    "  --kernel-width W     (default 0.75 sqrt(number of features))\n"
    "  --feature-selection auto|forward|highest-weights|lasso-path|none\n"
    "  --categorical a,b    categorical features (values are codes)\n"
    "  --repeats R          R runs per row: mean and std of each weight and\n"
    "                       how often each feature is selected\n"
    "  --sample-around-instance  (with --discretizer none) sample around\n"
    "                       the row instead of the training mean\n"
    "\n"
    "Output:\n"
    "  --format json|text|csv|svg\n"
    "                       JSON Lines, one object per row and output\n"
    "                       (default), aligned tables, CSV, or SVG charts;\n"
    "                       by default -o's extension (.svg, .csv, .txt,\n"
    "                       .json, in any case) decides\n"
    "  --top K              text and SVG: the K largest features, the rest\n"
    "                       summed into one line (default: all in text, 10\n"
    "                       in SVG charts, 20 in importance charts; 0: all);\n"
    "                       JSON and CSV always hold every feature\n"
    "  --chart bar|waterfall  SVG chart (default bar)\n"
    "  -o, --output FILE    write to FILE (atomically) instead of standard\n"
    "                       output; with --format svg, a path ending in '/'\n"
    "                       is a directory that gets one file per row; an\n"
    "                       input file is never overwritten (refused)\n"
    "  -q, --quiet          no progress bar and no notes on standard error\n"
    "  -h, --help           show this help\n";

const char explain_usage_see_also[] =
    "\n"
    "See docs/output.md for the formats, docs/kernel-shap.md, docs/lime.md\n"
    "and docs/tree-shap.md for the methods.\n";

const char *const explain_usage[] = { usage_intro, usage_methods,
                                      usage_options, explain_usage_see_also,
                                      NULL };
const char *const explain_usage_body[] = { usage_methods, usage_options,
                                           NULL };

static const char importance_text[] =
    "Usage: explain importance MODEL DATA.csv [options]\n"
    "\n"
    "Global feature importance: explain every row of DATA.csv and report,\n"
    "per output, the mean |contribution| of each feature (and the mean\n"
    "contribution), as a table (default), JSON, CSV or an SVG chart.\n"
    "\n"
    "Takes every option of the main form (see 'explain --help'): --method,\n"
    "--background, --seed, --threads, --class, --model-output, the methods'\n"
    "options, --format text|json|csv|svg, --top K, -o FILE, --quiet; and\n"
    "  --chart bar|beeswarm bars of the mean |contribution| (default), or\n"
    "                       shap's summary plot: one dot per row and\n"
    "                       feature, x = contribution, colour = feature\n"
    "                       value (at most 2000 rows, sampled\n"
    "                       deterministically)\n";

const char *const importance_usage[] = { importance_text, NULL };
