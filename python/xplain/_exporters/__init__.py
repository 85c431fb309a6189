"""scikit-learn exporters (tools/export_sklearn*.py), installed with the
package so that xplain.load_model converts fitted estimators itself."""
