package io.mater.engine;

/** Reductions over axes. Means, variances and log-sum-exp are built from these. */
public enum ReduceOp {
    SUM, MAX, MIN
}
