"""The relevance model: TF-IDF of title, abstract and keywords (word 1-2-grams, sublinear) into a
linear support vector classifier (ASReview's ELAS u4: strongly regularised, the relevant records
weighted up), with the protocol's evidence (which screening rules match each record) as extra
features. Before a reviewer has labelled one relevant and one irrelevant record, the protocol
evidence alone orders the records, so ranking helps from the first screen.

The vectoriser is fitted once on every record (no labels needed); a retrain fits only the classifier
on the labelled rows, which is what keeps it fast enough to run after every decision.

A record with no title, abstract, keywords or rule match gives the model nothing to score: it is as
likely relevant as a record drawn at random, no more, no less. It is not trained on (a featureless
row only drags the intercept), and it does not wait wherever the intercept puts it (in the eleven
labelled reviews, the Cohen sets' empty PubMed records sat together at about 80% screened, relevant
ones among them): once the ranked records have become less likely relevant than a random one, it
comes next. In simulation (at C 0.1), +0.017 mean WSS@95 (0.4705 against 0.4533; better on 3 sets, worse on 4,
most where the empty records are all irrelevant: that is their cost).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.stats import rankdata
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

EVIDENCE_WEIGHT = 2.0  # a rule match weighs about as much as a strong word
# The classifier and words are ELAS u4's, ASReview 2's default, which its authors chose on the SYNERGY reviews
# (none of them litreview's): C 0.11, the relevant records weighing 9.8 times the rest in all, words in more
# than 95% of the records dropped, the title once. The settings litreview had until 8 December 2026 (C 0.5,
# class-balanced, the title twice, 8 passes) were chosen on the eleven shared reviews, and found a review's
# last relevant records late where it has few: on six reviews held out from development WSS@95 0.388 against
# ASReview's 0.432; on the eleven thinned to 10, 20 and 40 relevant records (the benchmark's --few) 0.362
# against 0.420 now (benchmarks/screening_simulation.py lists every candidate's figures).
C = 0.11
RELEVANT_WEIGHT = 9.8
MAX_DF = 0.95
# a retrain makes at most this many passes of liblinear's coordinate descent over the labelled records (ASReview
# goes to convergence): on 10,000 labelled records 134 ms against 286 ms converged, and the same WSS@95 in
# simulation (on the eleven whole reviews 0.460 within 8 passes, 0.461 converged; four of them thinned, 0.369
# and 0.370)
PASSES: int | None = 8
TITLES = 1  # a record's title is in its document this many times (see document)
RECENT = 20  # at least this many of the latest ranked decisions tell how well the ranking still does
# the model in words, for the search log (PRISMA-S) and a simulation's metrics.json
DESCRIPTION = (
    f"TF-IDF 1-2-grams (sublinear, max_df {MAX_DF}) + linear SVM (C {C}, relevant records weighted {RELEVANT_WEIGHT}:1, "
    f"at most {PASSES} passes; ASReview's ELAS u4's settings); records with no text come next once "
    "the ranked ones are less often relevant than a random record"
)


@dataclass(frozen=True)
class Settings:
    """What the ranking can be tuned by; the defaults are litreview's (ELAS u4's). The screening benchmark
    chooses among a few of these with whole reviews left out, on the whole reviews and on them thinned to few
    relevant records (benchmarks/screening_simulation.py, which lists what each option measured)."""

    c: float = C
    # the relevant records' total weight over the irrelevant ones' in a retrain: 1 is class-balanced;
    # ASReview's ELAS u4 uses 9.8 (its "balanced" sampler's ratio)
    relevant_weight: float = RELEVANT_WEIGHT
    max_df: float = MAX_DF  # words in more than this share of the records are dropped (1.0: none)
    # passes of coordinate descent a retrain may make (tolerance 1e-2); None: until converged (sklearn's
    # tolerance, as ASReview's SVM)
    passes: int | None = PASSES
    titles: int = TITLES  # the title's count in a record's document: callers pass it to document()
    # the classifiers whose scores rank the records: "svm" (linear SVM), "chars" (the same on character
    # n-grams), "logistic" (L2 logistic regression, the learner of Cormack and Grossman's continuous
    # active learning, SIGIR 2014), "bayes" (multinomial naive Bayes, ASReview 1's default),
    # "neighbours" (cosine similarity to the most similar relevant record: a study's companion report,
    # worded unlike the rest, is still close to its sibling). More than
    # one: their scores averaged by rank, a second view that may reach the odd relevant record the SVM
    # ranks last
    models: tuple[str, ...] = ("svm",)
    # this many unlabelled records, drawn afresh for each retrain, trained on as irrelevant (most are):
    # the baseline model implementation's "pseudo-negatives" (Cormack and Grossman, "Autonomy and
    # reliability of continuous active learning for technology-assisted review", 2015: 100)
    pseudo_negatives: int = 0
    # aggressive undersampling: after a first fit, only as many irrelevant records as relevant ones are
    # kept, those furthest from the boundary, and the SVM is fitted again (Wallace et al., "Active
    # learning for biomedical citation screening", KDD 2010; FASTREAD, Yu, Kraft and Menzies 2018): the
    # boundary is no longer drawn by the near misses, so an odd relevant record scores higher
    undersample: bool = False
    # how several models' scores are joined: "mean" of their ranks, or "max" (a record comes as soon as
    # one model ranks it high: the rankings interleaved)
    combine: str = "mean"
    # the second and later models join only once the first one's ranking is spent (its latest picks less
    # often relevant than a random record): the early ranking stays the first model's
    late: bool = False

    def class_weight(self, y: np.ndarray) -> dict[int, float]:
        """Per-class weights giving each class its share of the total (sklearn's "balanced" at 1)."""
        n, relevant = len(y), int(y.sum())
        share = self.relevant_weight / (1.0 + self.relevant_weight)
        return {1: n * share / relevant, 0: n * (1.0 - share) / (n - relevant)}


BLANK_BASIS = "no title, abstract or keywords: nothing to rank on; it comes next once the ranked records are less often relevant than a random one"


def document(title: str, abstract: str = "", keywords: str = "", titles: int = TITLES) -> str:
    """The text a record is ranked on. The title counts ``titles`` times, by default once (twice made
    no difference beside ELAS u4's classifier: the benchmark's "titles 2")."""
    return " ".join(part for part in (*[title] * titles, abstract, keywords) if part)


def tfidf(texts: Sequence[str], **options) -> sparse.csr_matrix:
    """Sublinear TF-IDF of the texts (float64: liblinear works in double, so a float32 matrix was
    copied on every retrain, +60%); no column at all when there is no text to take one from."""
    vectoriser = TfidfVectorizer(sublinear_tf=True, dtype=np.float64, **options)
    try:
        return vectoriser.fit_transform([t or "" for t in texts])
    except ValueError:  # empty vocabulary (also one record alone, whose every word max_df drops)
        return sparse.csr_matrix((len(texts), 0), dtype=np.float64)


class Ranker:
    """Scores for one fixed set of records; ``scores(labels)`` retrains on the labels given."""

    def __init__(
        self, texts: Sequence[str], evidence: np.ndarray | None = None, settings: Settings | None = None
    ):
        self.size = len(texts)
        self.settings = settings = settings or Settings()
        # stop words and rare words count too (in simulation on Kitchenham 2010 and Nagtegaal 2019 dropping
        # them cost 0.11 WSS@95); only words in nearly every record (max_df, ELAS u4's 0.95) are dropped
        words = tfidf(texts, ngram_range=(1, 2), max_df=settings.max_df)  # none: the evidence alone ranks
        self.evidence = (
            np.zeros((self.size, 0)) if evidence is None else np.asarray(evidence, dtype=np.float64)
        )
        self.matrix = sparse.hstack([words, sparse.csr_matrix(self.evidence * EVIDENCE_WEIGHT)], format="csr")
        # the protocol's prior: include-rule matches up, exclude-rule matches down (columns are signed)
        self.prior = self.evidence.sum(axis=1) if self.evidence.shape[1] else np.zeros(self.size)
        self.blind = np.diff(self.matrix.indptr) == 0  # rows with no feature at all: nothing to rank on
        # "chars": character 3-5-grams within words, a second view of the text (word stems, spellings,
        # hyphenations the word n-grams split), made only when asked for
        self.chars = None
        if "chars" in settings.models:
            chars = tfidf(texts, analyzer="char_wb", ngram_range=(3, 5), min_df=2)
            self.chars = chars if chars.shape[1] else self.matrix  # too little text: the words stand in

    def scores(self, labels: Mapping[int, int], seed: int = 0) -> np.ndarray:
        """Higher is more likely relevant. ``labels`` maps a row to 1 (relevant) or 0, in the order
        screened (a dict keeps it): the latest decisions say whether the records with nothing to rank
        on should come next. ``seed``: the order coordinate descent visits the records in (the same
        seed and decisions always give the same ranking: reruns are byte-identical)."""
        rows = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
        y = np.fromiter(labels.values(), dtype=np.int8, count=len(labels))
        if len(set(y.tolist())) < 2 or not self.matrix.shape[1]:  # nothing to learn from (yet): the
            # protocol's evidence, then file order
            return self.prior - np.arange(self.size) * 1e-9
        seen = ~self.blind[rows]
        blank_only = len(set(y[seen].tolist())) < 2  # the only relevant (or irrelevant) records are blank:
        if blank_only:  # learn from them all, what the others are not (the intercept places the blank)
            seen[:] = True
        train, target = rows[seen], y[seen]
        if self.settings.pseudo_negatives:
            unlabelled = np.setdiff1d(np.flatnonzero(~self.blind), rows)
            drawn = np.random.default_rng([seed, len(rows)]).choice(
                unlabelled, min(self.settings.pseudo_negatives, len(unlabelled)), replace=False
            )
            train = np.concatenate([train, drawn])
            target = np.concatenate([target, np.zeros(len(drawn), dtype=np.int8)])
        spent = not blank_only and self.ranking_spent(y[seen], int(y.sum()))
        kinds = self.settings.models if spent or not self.settings.late else self.settings.models[:1]
        each = [self.fit(kind, train, target, seed) for kind in kinds]
        # several models: their ranks joined (their scores are on different scales)
        join = np.max if self.settings.combine == "max" else np.mean
        scores = each[0] if len(each) == 1 else join([rankdata(s) for s in each], axis=0)
        if self.blind.any() and spent:
            scores[self.blind] = scores.max() + 1.0
        return scores

    def fit(self, kind: str, rows: np.ndarray, target: np.ndarray, seed: int) -> np.ndarray:
        """One classifier of ``settings.models`` trained on ``rows`` labelled ``target``: its score for
        every row."""
        if kind == "bayes":  # word counts: the evidence columns (signed) are not counts, so left out
            words = self.matrix[:, : self.matrix.shape[1] - self.evidence.shape[1]]
            model = MultinomialNB(alpha=3.822)  # ASReview 1's default smoothing
            weights = self.settings.class_weight(target)
            model.fit(words[rows], target, sample_weight=np.vectorize(weights.get)(target))
            log = model.predict_log_proba(words)
            return log[:, 1] - log[:, 0]
        if kind == "neighbours":  # rows are L2-normalised TF-IDF: a product is a cosine similarity
            words = self.matrix[:, : self.matrix.shape[1] - self.evidence.shape[1]]
            similar = (words @ words[rows[target == 1]].T).toarray()
            return similar.max(axis=1) if similar.shape[1] else np.zeros(self.size)
        if kind == "logistic":
            weights = self.settings.class_weight(target)
            model = LogisticRegression(  # dual: far quicker with more words than labelled records
                C=1.0, class_weight=weights, solver="liblinear", dual=True, random_state=seed
            )
            return model.fit(self.matrix[rows], target).decision_function(self.matrix)
        matrix = self.chars if kind == "chars" else self.matrix
        scores = self.svm(matrix, rows, target, seed)
        relevant = int(target.sum())
        if self.settings.undersample and len(target) - relevant > relevant:
            irrelevant = rows[target == 0]
            kept = irrelevant[np.argsort(scores[irrelevant], kind="stable")[:relevant]]  # the furthest
            rows = np.concatenate([rows[target == 1], kept])
            scores = self.svm(matrix, rows, np.repeat(np.int8([1, 0]), [relevant, len(kept)]), seed)
        return scores

    def svm(self, matrix: sparse.csr_matrix, rows: np.ndarray, target: np.ndarray, seed: int) -> np.ndarray:
        """The linear SVM on ``matrix``'s ``rows``, within ``settings.passes``: its score for every row."""
        passes = self.settings.passes
        bounded = {"tol": 1e-2, "max_iter": passes} if passes else {"tol": 1e-4, "max_iter": 10_000}
        model = LinearSVC(
            C=self.settings.c, class_weight=self.settings.class_weight(target), random_state=seed, **bounded
        )
        with warnings.catch_warnings():  # stopping at ``passes`` is the design, not a failure to report
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(matrix[rows], target)
        return model.decision_function(matrix)

    def ranking_spent(self, ranked: np.ndarray, relevant: int) -> bool:
        """Whether the ranking's latest picks (``ranked``: labels of the records it ranked, in the order
        screened) are less often relevant than a random record is: their share of relevant records
        below the share of all records already found relevant (a lower bound on the prevalence)."""
        window = max(RECENT, math.ceil(0.05 * len(ranked)))
        return len(ranked) >= window and float(ranked[-window:].mean()) < relevant / self.size

    def order(self, labels: Mapping[int, int], scores: np.ndarray | None = None) -> list[int]:
        """The unlabelled rows, most likely relevant first (``scores``: this model's own for these
        labels, when the caller already has them, so it is not trained twice)."""
        scores = self.scores(labels) if scores is None else scores
        left = np.array([i for i in range(self.size) if i not in labels], dtype=np.int64)
        return left[np.argsort(-scores[left], kind="stable")].tolist()
