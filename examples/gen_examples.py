#!/usr/bin/env python3
"""The binary and named-label examples, with reference figures by scikit-learn.

Run with Debian's python3 and scikit-learn (`apt-get install python3-sklearn`), from the
repository root:

    /usr/bin/python3 examples/gen_examples.py

- examples/digits-binary.csv: scikit-learn's digits, "is it 5 or more?": out-of-fold
  (5-fold) logistic-regression logits, one `logit` column, labels 1/0.
- examples/iris-species.csv: scikit-learn's iris, out-of-fold multinomial logistic-regression
  probabilities `p_setosa, p_versicolor, p_virginica`, labels the species names.

Each gets a *-summary.json of the figures scikit-learn's own functions give (log_loss,
brier_score_loss or its multiclass form, accuracy_score, confusion_matrix,
precision_recall_fscore_support), and ECE by torchmetrics' definition (numpy, mpmath sums).
Deterministic: a rerun writes the same bytes.
"""
import json
import os

import mpmath
import numpy as np
import sklearn
from scipy.special import expit
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, brier_score_loss, confusion_matrix, log_loss,
                             precision_recall_fscore_support)
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
mpmath.mp.dps = 50


def fsum(values):
    return float(mpmath.fsum(mpmath.mpf(float(v)) for v in values))


def ece(confidence, accuracy, bins=15):
    index = np.minimum(np.floor(confidence * bins), bins - 1).astype(int)
    n = len(confidence)
    total = mpmath.mpf(0)
    for b in range(bins):
        m = index == b
        if m.any():
            total += mpmath.mpf(int(m.sum())) / n * abs(mpmath.mpf(fsum(accuracy[m])) / int(m.sum()) - mpmath.mpf(fsum(confidence[m])) / int(m.sum()))
    return float(total)


def entropy(p):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.array([fsum(np.where(r > 0, -r * np.log(r), 0.0)) for r in p])


def per_class(y, pred, p, names):
    lab = list(range(len(names)))
    precision, recall, _, _ = precision_recall_fscore_support(y, pred, labels=lab, zero_division=0)
    return [{
        'class': names[c], 'rows': int((y == c).sum()),
        'mean_cross_entropy': log_loss(y[y == c], p[y == c], labels=lab),
        'accuracy': float(recall[c]), 'precision': float(precision[c]),
        'predicted': int((pred == c).sum()), 'mean_probability': float(np.mean(p[y == c, c])),
    } for c in lab]


def write(name, header, rows):
    with open(os.path.join(HERE, name), 'w', newline='') as f:
        f.write(','.join(header) + '\n')
        for r in rows:
            f.write(','.join(r) + '\n')


def dump(name, summary):
    summary['reference'] = f'scikit-learn {sklearn.__version__} (examples/gen_examples.py)'
    with open(os.path.join(HERE, name), 'w') as f:
        json.dump(summary, f, indent=2)
        f.write('\n')


def main():
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    digits = load_digits()
    y = (digits.target >= 5).astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=2000))
    z = cross_val_predict(model, digits.data, y, cv=folds, method='decision_function')
    write('digits-binary.csv', ['label', 'logit'], [[str(y[i]), repr(float(z[i]))] for i in range(len(y))])
    p = expit(z)
    pred = (z >= 0).astype(int)
    two = np.stack([1 - p, p], axis=1)
    dump('digits-binary-summary.json', {
        'rows': len(y), 'classes': 2, 'positive': '1',
        'mean_cross_entropy': log_loss(y, p, labels=[0, 1]),
        'mean_entropy': float(np.mean(entropy(two))),
        'accuracy': accuracy_score(y, pred),
        'brier': brier_score_loss(y, p),
        'ece': ece(p, y.astype(float)),
        'per_class': [{**c, 'class': n} for c, n in zip(per_class(y, pred, two, ['0', '1']), ['0', '1'])],
        'confusion': confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        'max_abs_logit': float(np.max(np.abs(z))),
    })

    iris = load_iris()
    names = [str(n) for n in iris.target_names]
    y = iris.target
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    p = cross_val_predict(model, iris.data, y, cv=folds, method='predict_proba')
    write('iris-species.csv', ['label', *[f'p_{n}' for n in names]],
          [[names[y[i]], *[repr(float(v)) for v in p[i]]] for i in range(len(y))])
    pred = np.argmax(p, axis=1)
    onehot = np.eye(len(names))[y]
    dump('iris-species-summary.json', {
        'rows': len(y), 'classes': len(names),
        'mean_cross_entropy': log_loss(y, p, labels=[0, 1, 2]),
        'mean_entropy': float(np.mean(entropy(p))),
        'accuracy': accuracy_score(y, pred),
        # brier_score_loss is binary-only before scikit-learn 1.7: its multiclass form written out.
        'brier': float(np.mean(((p - onehot) ** 2).sum(axis=1))),
        'ece': ece(p.max(axis=1), (pred == y).astype(float)),
        'per_class': per_class(y, pred, p, names),
        'confusion': confusion_matrix(y, pred, labels=[0, 1, 2]).tolist(),
    })


if __name__ == '__main__':
    main()
