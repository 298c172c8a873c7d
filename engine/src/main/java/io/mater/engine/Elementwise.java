package io.mater.engine;

/**
 * Elementwise ops with NumPy broadcasting. Each forward sits beside its backward; gradients of broadcast
 * inputs are summed back to the input's shape.
 */
public final class Elementwise {
    private Elementwise() {}

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return Backends.common(a, b).binary(op, a, b);
    }

    static Tensor unary(UnaryOp op, Tensor a, float p, float q) {
        return a.backend().unary(op, a, p, q);
    }

    /** A 0-d tensor holding value on backend's device. */
    static Tensor constant(Backend be, float value) {
        var t = be.zeros(new int[0]);
        if (value != 0f) be.fill(t, value);
        return t;
    }

    // a + b.  da = g, db = g
    public static Tensor add(Tensor a, Tensor b) {
        var out = binary(BinaryOp.ADD, a, b);
        return Autograd.record(out, "add", g -> new Tensor[] {
                a.requiresGrad() ? g.sumTo(a.shape) : null,
                b.requiresGrad() ? g.sumTo(b.shape) : null}, a, b);
    }

    // a - b.  da = g, db = -g
    public static Tensor sub(Tensor a, Tensor b) {
        var out = binary(BinaryOp.SUB, a, b);
        return Autograd.record(out, "sub", g -> new Tensor[] {
                a.requiresGrad() ? g.sumTo(a.shape) : null,
                b.requiresGrad() ? g.neg().sumTo(b.shape) : null}, a, b);
    }

    // a * b.  da = g b, db = g a
    public static Tensor mul(Tensor a, Tensor b) {
        var out = binary(BinaryOp.MUL, a, b);
        return Autograd.record(out, "mul", g -> new Tensor[] {
                a.requiresGrad() ? mul(g, b).sumTo(a.shape) : null,
                b.requiresGrad() ? mul(g, a).sumTo(b.shape) : null}, a, b);
    }

    // a / b.  da = g / b, db = -g a / b^2 = -g out / b
    public static Tensor div(Tensor a, Tensor b) {
        var out = binary(BinaryOp.DIV, a, b);
        return Autograd.record(out, "div", g -> new Tensor[] {
                a.requiresGrad() ? div(g, b).sumTo(a.shape) : null,
                b.requiresGrad() ? div(mul(g, out), b).neg().sumTo(b.shape) : null}, a, b);
    }

    // a ^ b.  da = g b a^(b-1), db = g out log(a)
    public static Tensor pow(Tensor a, Tensor b) {
        var out = binary(BinaryOp.POW, a, b);
        return Autograd.record(out, "pow", g -> new Tensor[] {
                a.requiresGrad() ? mul(g, mul(b, binary(BinaryOp.POW, a, affine(b, 1f, -1f)))).sumTo(a.shape) : null,
                b.requiresGrad() ? mul(g, mul(out, log(a))).sumTo(b.shape) : null}, a, b);
    }

    // max(a, b).  The gradient goes to the larger input, split in half on ties (as PyTorch).
    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum(BinaryOp.MAXIMUM, BinaryOp.GT, a, b);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum(BinaryOp.MINIMUM, BinaryOp.LT, a, b);
    }

    private static Tensor extremum(BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
        var out = binary(op, a, b);
        return Autograd.record(out, op.name().toLowerCase(), g -> {
            var tie = binary(BinaryOp.EQ, a, b).mul(0.5f);
            var ka = binary(BinaryOp.ADD, binary(wins, a, b), tie);
            var kb = binary(BinaryOp.ADD, binary(wins, b, a), tie);
            return new Tensor[] {
                    a.requiresGrad() ? binary(BinaryOp.MUL, g, ka).sumTo(a.shape) : null,
                    b.requiresGrad() ? binary(BinaryOp.MUL, g, kb).sumTo(b.shape) : null};
        }, a, b);
    }

    // s a + t.  da = s g
    public static Tensor affine(Tensor a, float s, float t) {
        var out = unary(UnaryOp.AFFINE, a, s, t);
        return Autograd.record(out, "affine", g -> new Tensor[] {affine(g, s, 0f)}, a);
    }

    // a ^ p.  da = g p a^(p-1)
    public static Tensor pow(Tensor a, float p) {
        var out = unary(UnaryOp.POW, a, p, 0f);
        return Autograd.record(out, "pow", g -> new Tensor[] {mul(g, affine(pow(a, p - 1f), p, 0f))}, a);
    }

    // -a.  da = -g
    public static Tensor neg(Tensor a) {
        var out = unary(UnaryOp.NEG, a, 0f, 0f);
        return Autograd.record(out, "neg", g -> new Tensor[] {neg(g)}, a);
    }

    // e^a.  da = g out
    public static Tensor exp(Tensor a) {
        var out = unary(UnaryOp.EXP, a, 0f, 0f);
        return Autograd.record(out, "exp", g -> new Tensor[] {mul(g, out)}, a);
    }

    // ln a.  da = g / a
    public static Tensor log(Tensor a) {
        var out = unary(UnaryOp.LOG, a, 0f, 0f);
        return Autograd.record(out, "log", g -> new Tensor[] {div(g, a)}, a);
    }

    // sqrt a.  da = g / (2 out)
    public static Tensor sqrt(Tensor a) {
        var out = unary(UnaryOp.SQRT, a, 0f, 0f);
        return Autograd.record(out, "sqrt", g -> new Tensor[] {div(g, affine(out, 2f, 0f))}, a);
    }

    // |a|.  da = g sign(a)
    public static Tensor abs(Tensor a) {
        var out = unary(UnaryOp.ABS, a, 0f, 0f);
        return Autograd.record(out, "abs", g -> new Tensor[] {mul(g, unary(UnaryOp.SIGN, a, 0f, 0f))}, a);
    }

    // a^2.  da = 2 a g
    public static Tensor square(Tensor a) {
        var out = unary(UnaryOp.SQUARE, a, 0f, 0f);
        return Autograd.record(out, "square", g -> new Tensor[] {mul(g, affine(a, 2f, 0f))}, a);
    }

    // max(a, 0).  da = g where a > 0
    public static Tensor relu(Tensor a) {
        var out = unary(UnaryOp.RELU, a, 0f, 0f);
        return Autograd.record(out, "relu", g -> new Tensor[] {binary(BinaryOp.RELU_BACKWARD, g, a)}, a);
    }

    // a Phi(a), erf form.  da = g (Phi(a) + a phi(a))
    public static Tensor gelu(Tensor a) {
        var out = unary(UnaryOp.GELU, a, 0f, 0f);
        return Autograd.record(out, "gelu", g -> new Tensor[] {binary(BinaryOp.GELU_BACKWARD, g, a)}, a);
    }

    // tanh a.  da = g (1 - out^2)
    public static Tensor tanh(Tensor a) {
        var out = unary(UnaryOp.TANH, a, 0f, 0f);
        return Autograd.record(out, "tanh", g -> new Tensor[] {binary(BinaryOp.TANH_BACKWARD, g, out)}, a);
    }

    // 1 / (1 + e^-a).  da = g out (1 - out)
    public static Tensor sigmoid(Tensor a) {
        var out = unary(UnaryOp.SIGMOID, a, 0f, 0f);
        return Autograd.record(out, "sigmoid", g -> new Tensor[] {binary(BinaryOp.SIGMOID_BACKWARD, g, out)}, a);
    }

    // min(max(a, lo), hi).  da = g where lo <= a <= hi
    public static Tensor clamp(Tensor a, float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        var out = unary(UnaryOp.CLAMP, a, lo, hi);
        return Autograd.record(out, "clamp", g -> new Tensor[] {mul(g, unary(UnaryOp.INSIDE, a, lo, hi))}, a);
    }

    /** 0/1 comparison with a scalar; not differentiable. */
    static Tensor compare(UnaryOp op, Tensor a, float s) {
        return unary(op, a, s, 0f);
    }

    /** 0/1 comparison of two tensors; not differentiable. */
    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return binary(op, a, b);
    }

    // cond ? a : b.  da = g where cond, db = g where not cond
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        var be = Backends.common(cond, a, b);
        var out = be.where(cond, a, b);
        return Autograd.record(out, "where", g -> {
            var zero = constant(g.backend(), 0f);
            return new Tensor[] {null,
                    a.requiresGrad() ? g.backend().where(cond, g, zero).sumTo(a.shape) : null,
                    b.requiresGrad() ? g.backend().where(cond, zero, g).sumTo(b.shape) : null};
        }, cond, a, b);
    }

    // value where mask, else a.  da = g where not mask
    public static Tensor maskedFill(Tensor a, Tensor mask, float value) {
        return where(mask, constant(a.backend(), value), a);
    }

    // Inverted dropout with a counter-based mask: y = x keep / (1 - p).  dx = dropout(g) with the same seed
    public static Tensor dropout(Tensor x, float p, boolean training, long seed) {
        if (p < 0f || p >= 1f) {
            if (p == 1f && training) return Autograd.record(x.backend().zeros(x.shape), "dropout", g -> new Tensor[] {g.zerosLike()}, x);
            if (p < 0f || p > 1f) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) return x;
        var be = x.backend();
        var out = be.dropout(x, p, seed);
        return Autograd.record(out, "dropout", g -> new Tensor[] {g.backend().dropout(g, p, seed)}, x);
    }
}
