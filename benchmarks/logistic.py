"""Newton's method for an L2-regularised logistic regression, shared by the scripts that fit the
learned decisions (train_paper_choice.py, train_aspect_scorer.py, train_support_verdict.py).

By hand with numpy: a regression over a few dozen features does not warrant scikit-learn and its
SciPy.  Each caller builds its own design matrix (standardised or not, the bias column where it
keeps it) and its penalty per column (0 for the bias).
"""

from __future__ import annotations

import numpy as np


def newton_logistic(
    z: np.ndarray,
    y: np.ndarray,
    penalty: np.ndarray,
    *,
    clip: float | None = None,
    ridge: float = 0.0,
    iterations: int = 50,
) -> np.ndarray:
    """The weights of the columns of `z` (labels `y` in {0, 1}, L2 `penalty` per column).

    `clip` bounds the logits (no overflow in exp); `ridge` is added to the Hessian's diagonal,
    so a column that never varies cannot make it singular.
    """
    w = np.zeros(z.shape[1])
    for _ in range(iterations):
        logits = z @ w
        if clip is not None:
            logits = np.clip(logits, -clip, clip)
        p = 1.0 / (1.0 + np.exp(-logits))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + ridge)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w
