package io.mater.engine;

/** Elementwise two-input operations with broadcasting. The *_BACKWARD ones take (gradient, saved). */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    /** 1 where a > b, else 0 */
    GT,
    /** 1 where a < b, else 0 */
    LT,
    /** 1 where a == b, else 0 */
    EQ,
    /** g where x > 0, else 0 (x: the ReLU input) */
    RELU_BACKWARD,
    /** g * gelu'(x) (x: the GELU input, erf form) */
    GELU_BACKWARD,
    /** g * (1 - y^2) (y: the tanh output) */
    TANH_BACKWARD,
    /** g * y * (1 - y) (y: the sigmoid output) */
    SIGMOID_BACKWARD
}
