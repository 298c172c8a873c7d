package io.mater.engine;

/** Elementwise one-input operations; p and q are the scalar parameters of the ones that take them. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, GELU, TANH, SIGMOID, SQUARE, RECIPROCAL,
    /** p * x + q */
    AFFINE,
    /** x ^ p */
    POW,
    /** min(max(x, p), q) */
    CLAMP,
    /** 1 where p <= x <= q, else 0 (the gradient mask of CLAMP) */
    INSIDE,
    /** 1 where x > p, else 0 */
    GT,
    /** 1 where x < p, else 0 */
    LT,
    /** 1 where x == p, else 0 */
    EQ
}
