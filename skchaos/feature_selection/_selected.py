"""What a fitted attribution selector does with new data: select, delegate.

:class:`SelectedEstimatorMixin` gives :class:`AttributionRFE` and
:class:`AttributionRFECV` their ``transform``/``inverse_transform`` (by
column, or by channel for inputs with channels) and the ``predict``,
``predict_proba``, ``decision_function`` and ``score`` of ``estimator_`` on
the selected features, with the tags of the wrapped estimator.
"""

from copy import deepcopy

from sklearn.feature_selection._rfe import _estimator_has
from sklearn.utils._tags import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from skchaos.feature_selection._encoded import leading_encoder, transform_columns
from skchaos.feature_selection._units import check_channels, expand_channels


class SelectedEstimatorMixin:
    """Selection and delegation to ``estimator_``; needs ``support_``."""

    @property
    def classes_(self):
        """ndarray of shape (n_classes,): the class labels of a classifier."""
        return self.estimator_.classes_

    # ----------------------------------------------------------- selection
    def _channels(self):
        """Whether the selector was fitted on inputs with channels."""
        return self._n_dims > 2

    def _encodes(self):
        """Whether the selector selected the input columns of its encoder."""
        return hasattr(self, "encoder_") and leading_encoder(self.estimator) is not None

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def transform(self, X):
        """Reduce ``X`` to the selected features (or channels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        X_r : array of shape (n_samples, n_selected_features) or (n_samples, \
                n_selected_channels, ...)
            The input with only the selected features (channels).
        """
        check_is_fitted(self)
        if self._channels():
            return check_channels(X, self.n_features_in_)[:, self.support_]
        if self._encodes():
            return transform_columns(self, X)
        return super().transform(X)

    def inverse_transform(self, X):
        """Put zeros back in the place of the eliminated features (channels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_selected_features) or \
                (n_samples, n_selected_channels, ...)
            Reduced input.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_) or \
                (n_samples, n_features_in_, ...)
            ``X`` with zero columns (channels) for the eliminated features.
        """
        check_is_fitted(self)
        if not self._channels():
            return super().inverse_transform(X)
        return expand_channels(X, self.support_)

    # ------------------------------------------------------ delegation
    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Reduce ``X`` to the selected features and predict with ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions.
        """
        check_is_fitted(self)
        return self.estimator_.predict(self.transform(X))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Reduce ``X`` to the selected features and predict class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(self.transform(X))

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Reduce ``X`` to the selected features and predict log-probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Class log-probabilities, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(self.transform(X))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Reduce ``X`` to the selected features and compute the decision function.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The decision function of ``estimator_``.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(self.transform(X))

    @available_if(_estimator_has("score"))
    def score(self, X, y):
        """Reduce ``X`` to the selected features and score with ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        Returns
        -------
        score : float
            ``estimator_.score`` on the reduced ``X`` (R^2 for regressors,
            accuracy for classifiers).
        """
        check_is_fitted(self)
        return self.estimator_.score(self.transform(X), y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub_tags = get_tags(self.estimator)
        tags.estimator_type = sub_tags.estimator_type
        tags.classifier_tags = deepcopy(sub_tags.classifier_tags)
        tags.regressor_tags = deepcopy(sub_tags.regressor_tags)
        if tags.classifier_tags is not None:
            tags.classifier_tags.poor_score = True
        if tags.regressor_tags is not None:
            tags.regressor_tags.poor_score = True
        tags.target_tags.required = True
        tags.target_tags.multi_output = sub_tags.target_tags.multi_output
        # A selector whose pipeline begins with a column transformer takes
        # the table as it comes: its encoder handles the missing cells and
        # categories (and says so if it does not).
        encodes = leading_encoder(self.estimator) is not None
        tags.input_tags.allow_nan = encodes
        tags.input_tags.categorical = tags.input_tags.string = encodes
        tags.input_tags.three_d_array = sub_tags.input_tags.three_d_array
        tags.non_deterministic = self.random_state is None
        return tags
