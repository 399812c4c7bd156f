"""The logistic regression shared by the lead scoring and the churn model:
fitted with scikit-learn on standardized features, evaluated on a hold-out
set, kept as plain JSON parameters (no pickle) and applied with numpy on the
server."""


def fit(X, y, test_size=0.25, random_state=0):
    """Fit a logistic regression on X, y and return (parameters without the
    feature names, hold-out AUC, hold-out rows)"""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        X, np.asarray(y), test_size=test_size, stratify=y,
        random_state=random_state)
    mean = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1
    classifier = LogisticRegression(C=1.0, max_iter=1000)
    classifier.fit((X_train - mean) / scale, y_train)
    parameters = {
        'mean': mean.tolist(),
        'scale': scale.tolist(),
        'coef': classifier.coef_[0].tolist(),
        'intercept': float(classifier.intercept_[0]),
        }
    auc = float(roc_auc_score(y_test, predict(parameters, X_test)))
    return parameters, auc, len(y_test)


def predict(parameters, X):
    "The probabilities of the rows of X"
    import numpy as np
    z = contributions(parameters, X).sum(axis=1) + parameters['intercept']
    return 1 / (1 + np.exp(-z))


def contributions(parameters, X):
    "The term of each feature in the log-odds of each row"
    import numpy as np
    return ((X - np.array(parameters['mean'])) / np.array(parameters['scale'])
        * np.array(parameters['coef']))


def top_factors(features, terms, label, top=3):
    """The top factors of one prediction, one a line: '+0.82 Industry: X';
    label gives the text of a feature name"""
    import numpy as np
    order = np.argsort(-np.abs(terms))[:top]
    return '\n'.join('%+.2f %s' % (terms[i], label(features[i]))
        for i in order if abs(terms[i]) >= 0.01)
