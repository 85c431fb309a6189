"""xplain: explain tabular model predictions (SHAP, LIME) with libxplain.

    import xplain
    model = xplain.load_model("model.bin")      # or XGBoost JSON, an
                                                # xgboost/scikit-learn model
    ex = xplain.Explainer(model, background=X_bg)
    e = ex(X)                                   # e.values, e.base_values, ...

See docs/python.md in the repository.
"""

from . import errors
from ._lib import version as _version
from .errors import XplainError
from .explainer import Explainer, Explanation
from .model import Model, load_model, wrap_model

__version__ = _version()

__all__ = ["Explainer", "Explanation", "Model", "XplainError", "errors",
           "load_model", "wrap_model", "__version__"]
