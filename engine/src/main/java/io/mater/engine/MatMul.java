package io.mater.engine;

/** Matrix products: matmul with batch broadcasting, and linear (x W^T + b), each beside its backward. */
public final class MatMul {
    private MatMul() {}

    /** torch.matmul: 1-D operands are promoted and the added axis removed; batch dims broadcast. */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) throw new IllegalArgumentException("matmul needs at least 1-D operands, got " + Shape.str(a.shape) + " and " + Shape.str(b.shape));
        if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int k = a.shape[a.dim() - 1];
        if (b.shape[b.dim() - 2] != k)
            throw new IllegalArgumentException("matmul: " + Shape.str(a.shape) + " @ " + Shape.str(b.shape) + ": inner sizes " + k + " and " + b.shape[b.dim() - 2] + " differ");
        var out = Backends.common(a, b).matmul(a, b, null);
        return Autograd.record(out, "matmul", g -> new Tensor[] {
                a.requiresGrad() ? gradA(g, b, a.shape) : null,
                b.requiresGrad() ? gradB(a, g, b.shape) : null}, a, b);
    }

    // out = a b.  da = g b^T (summed over broadcast batch dims)
    private static Tensor gradA(Tensor g, Tensor b, int[] aShape) {
        return g.backend().matmul(g, b.mT(), null).sumTo(aShape);
    }

    // out = a b.  db = a^T g; a 2-D b shared by a batch becomes one GEMM over the flattened batch
    private static Tensor gradB(Tensor a, Tensor g, int[] bShape) {
        var be = g.backend();
        if (bShape.length == 2 && a.dim() > 2) {
            int k = a.shape[a.dim() - 1], n = g.shape[g.dim() - 1];
            return be.matmul(a.reshape(-1, k).mT(), g.reshape(-1, n), null);
        }
        return be.matmul(a.mT(), g, null).sumTo(bShape);
    }

    /**
     * x [..., in] times weight [out, in] transposed, plus bias [out] (may be null): torch's F.linear.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) throw new IllegalArgumentException("linear weight must be 2-D [out, in], got " + Shape.str(weight.shape));
        int in = weight.shape[1], outF = weight.shape[0];
        if (x.dim() < 1 || x.shape[x.dim() - 1] != in)
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape) + " does not end in " + in + " features (weight " + Shape.str(weight.shape) + ")");
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != outF))
            throw new IllegalArgumentException("linear bias must be [" + outF + "], got " + Shape.str(bias.shape));
        var be = Backends.common(x, weight, bias);
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = outF;
        Tensor x2, out;
        try (var ignored = Autograd.noGrad()) {
            x2 = x.dim() == 2 ? x.detach() : x.reshape(-1, in);
            Tensor y2 = be.matmul(x2, weight.mT(), bias);
            out = x.dim() == 2 ? y2 : y2.reshape(outShape);
        }
        return Autograd.record(out, "linear", g -> {
            Tensor g2 = g.reshape(-1, outF);
            return new Tensor[] {
                    x.requiresGrad() ? be.matmul(g2, weight, null).reshape(x.shape) : null,
                    weight.requiresGrad() ? be.matmul(g2.mT(), x2, null) : null,
                    bias != null && bias.requiresGrad() ? be.reduce(ReduceOp.SUM, g2, new int[] {0}, false) : null};
        }, x, weight, bias);
    }
}
