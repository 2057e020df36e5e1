"""Baseline (c): the figures of `xentropy score` from scikit-learn — pandas.read_csv, softmax,
then log_loss, brier_score_loss (its multiclass form by numpy before scikit-learn 1.7) and
top_k_accuracy_score.

    /usr/bin/python3 bench/cli/baseline_sklearn.py FILE.csv
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.metrics import log_loss, top_k_accuracy_score

df = pd.read_csv(sys.argv[1])
y = df["label"].to_numpy()
z = df[[c for c in df.columns if c != "label"]].to_numpy()
p = softmax(z, axis=1)
labels = list(range(z.shape[1]))
mean_ce = log_loss(y, p, labels=labels)
brier = float(np.mean(((p - np.eye(len(labels))[y]) ** 2).sum(axis=1)))
top5 = top_k_accuracy_score(y, z, k=5, labels=labels)
print(json.dumps({"rows": len(y), "mean_cross_entropy": mean_ce, "brier": brier, "top_k_accuracy": top5}))
