"""Reference for `--color-by auto`: shap.utils.approximate_interactions'
first pick for several features of the breast cancer XGBoost model, over
the SHAP values xplain computes (JSON Lines from `explain`, so both sides
see the same numbers). Writes tests/fixtures/approx_interactions_bc.tsv.
Usage: python tools/approx_interactions_reference.py EXPLAIN"""
import json
import os
import subprocess
import sys

import numpy as np
import shap

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
explain = sys.argv[1]
out = subprocess.run([explain, '-q', root + '/data/models/breast_cancer_xgb.bin',
                      root + '/data/breast_cancer.csv'],
                     capture_output=True, text=True, check=True).stdout
rows = [json.loads(line) for line in out.splitlines()]
names = [f['name'] for f in rows[0]['features']]
X = np.array([[np.nan if f['value'] is None else f['value']
               for f in r['features']] for r in rows])
S = np.array([[f['contribution'] for f in r['features']] for r in rows])
with open(root + '/tests/fixtures/approx_interactions_bc.tsv', 'w') as f:
    f.write('# feature\tshap %s approximate_interactions first pick\n'
            % shap.__version__)
    for feat in ['worst radius', 'mean texture', 'worst concave points',
                 'area error', 'worst area', 'mean concavity',
                 'worst texture', 'worst smoothness']:
        i = names.index(feat)
        f.write('%s\t%s\n' % (feat, names[shap.utils.approximate_interactions(i, S, X)[0]]))
