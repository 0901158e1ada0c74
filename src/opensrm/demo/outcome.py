"""The documented win model: how a closed opportunity's outcome is drawn.

docs/demo-data.md states the same formula. Scoring and funnel analytics are tested against
data drawn from it, so a change here is a change to what those tests can recover.

    logit P(won) = b0 + b_emp·(ln employees − 5) + γ[industry] + b_rep·skill[rep]
                 + b_act·(activities before close − 4) + b_existing·existing customer
                 + b_discount·(discount % − 10)/10 + b_amount·(ln amount − ln 100 000)
                 + b_match·(industry among the rep's skills)

``skill`` is a hidden ability per rep, drawn N(0, REP_SKILL_SD) and never stored.
"""

from __future__ import annotations

import numpy as np

from opensrm.demo import catalog as C

COEFFICIENTS: dict[str, float] = {
    "intercept": -1.00,
    "log_employees": 0.50,
    "industry_effect": 1.00,
    "rep_skill": 1.00,
    "activities": 0.50,
    "existing_customer": 1.60,
    "discount": 0.55,
    "log_amount": -0.75,
    "skill_match": 0.70,
}
FEATURES: tuple[str, ...] = tuple(k for k in COEFFICIENTS if k != "intercept")
REP_SKILL_SD = 0.9
INDUSTRY_EFFECT = np.array([C.INDUSTRIES[k][3] for k in C.INDUSTRY_KEYS])


_BETA = np.array([COEFFICIENTS[k] for k in FEATURES])


def win_logit(features: np.ndarray) -> np.ndarray:
    """Log-odds of winning for rows of features (columns in ``FEATURES`` order)."""
    return COEFFICIENTS["intercept"] + np.asarray(features, dtype=float) @ _BETA


def win_probability(features: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-win_logit(features)))
